/**
 * EventBridge event-pattern matching for the subset the deployed rules use: literal values,
 * `prefix`, `suffix`, `wildcard` and `exists`, nested by field. The local stack matches S3
 * events against the same pattern object the CDK rule is built from.
 */

type Matcher =
  | string
  | number
  | boolean
  | null
  | { prefix: string }
  | { suffix: string }
  | { wildcard: string }
  | { exists: boolean };
export type EventPattern = { readonly [field: string]: readonly Matcher[] | EventPattern };

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function matchesValue(matcher: Matcher, value: unknown, present: boolean): boolean {
  if (matcher === null || typeof matcher !== 'object') return present && value === matcher;
  if ('exists' in matcher) return matcher.exists === present;
  if (typeof value !== 'string') return false;
  if ('prefix' in matcher) return value.startsWith(matcher.prefix);
  if ('suffix' in matcher) return value.endsWith(matcher.suffix);
  return wildcardToRegExp(matcher.wildcard).test(value);
}

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  const object = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  return Object.entries(pattern).every(([field, rule]) => {
    const present = field in object;
    const value = object[field];
    if (Array.isArray(rule)) return (rule as readonly Matcher[]).some((m) => matchesValue(m, value, present));
    return present && matchesPattern(rule as EventPattern, value);
  });
}
