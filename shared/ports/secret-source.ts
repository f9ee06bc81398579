/** Secrets the engine needs at cold start, e.g. the key that hashes personal data. */
export interface SecretSource {
  /** The secret's text; throws when it does not exist. */
  get(secretId: string): Promise<string>;
}
