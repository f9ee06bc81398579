/** The Cognito groups the API knows. A user's groups are their roles. */
export const ROLES = ['marketing', 'analyst', 'finance', 'partner', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Roles that work for the retailer and may see every partner's runs. */
export const INTERNAL_ROLES: readonly Role[] = ['marketing', 'analyst', 'finance', 'admin'];

/** Who is calling, as established by a verified token. */
export interface Principal {
  readonly subject: string;
  readonly username: string;
  readonly roles: readonly Role[];
  /** The partner a partner user delivers data for; absent for internal users. */
  readonly partnerId?: string;
}

/** Whether a caller may see a partner's batches: internal users see all, partners their own. */
export function canSeePartner(principal: Principal, partner: string): boolean {
  return principal.roles.some((r) => INTERNAL_ROLES.includes(r)) || principal.partnerId === partner;
}
