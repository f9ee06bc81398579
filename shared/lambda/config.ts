import type { z } from 'zod';
import { ConfigurationError } from '../domain/errors';
import { ENV, type EnvKey } from './env';

/**
 * Reads the named environment variables once, at cold start, and fails fast naming every
 * missing one. Resource names never get defaults: a missing name is a deployment bug.
 */
export function requireEnv<K extends EnvKey>(keys: readonly K[]): Record<K, string> {
  const missing = keys.filter((k) => !process.env[ENV[k]]);
  if (missing.length > 0) {
    throw new ConfigurationError(`missing environment variables: ${missing.map((k) => ENV[k]).join(', ')}`);
  }
  return Object.fromEntries(keys.map((k) => [k, process.env[ENV[k]] as string])) as Record<K, string>;
}

/** Parses a JSON-valued environment variable with its schema, naming the variable on failure. */
export function requireJsonEnv<T>(key: EnvKey, schema: z.ZodType<T>): T {
  const { [key]: raw } = requireEnv([key]);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new ConfigurationError(`${ENV[key]} is not valid JSON`, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigurationError(
      `${ENV[key]} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
