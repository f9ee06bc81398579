/** The Cognito groups the API knows. A user's groups are their roles. */
export const ROLES = ['marketing', 'analyst', 'finance', 'partner', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Who is calling, as established by a verified token. */
export interface Principal {
  readonly subject: string;
  readonly username: string;
  readonly roles: readonly Role[];
  /** The partner a partner user delivers data for; absent for internal users. */
  readonly partnerId?: string;
}
