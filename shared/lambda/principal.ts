import { z } from 'zod';
import { isRole, type Principal, type Role } from '../domain/auth/roles';
import { UnauthorizedError } from './http-errors';

/**
 * The claims an API Gateway JWT authorizer passes on. HTTP APIs flatten array claims into a
 * string such as "[marketing analyst]", so groups arrive in either form.
 */
const claims = z.object({
  sub: z.string().min(1),
  username: z.string().optional(),
  'cognito:username': z.string().optional(),
  'cognito:groups': z.union([z.string(), z.array(z.string())]).optional(),
  partner_id: z.string().optional(),
});

export function parseGroups(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value !== 'string') return [...value];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter((g) => g.length > 0);
}

export function principalFromClaims(raw: unknown): Principal {
  const parsed = claims.safeParse(raw);
  if (!parsed.success) throw new UnauthorizedError('Unauthorized', { cause: parsed.error });
  const c = parsed.data;
  const roles: Role[] = parseGroups(c['cognito:groups']).filter(isRole);
  return {
    subject: c.sub,
    username: c.username ?? c['cognito:username'] ?? c.sub,
    roles,
    ...(c.partner_id ? { partnerId: c.partner_id } : {}),
  };
}
