import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError } from '../../domain/errors';
import type { SecretSource } from '../../ports/secret-source';

/** Secrets Manager behind the SecretSource port. */
export class SecretsManagerSecretSource implements SecretSource {
  public constructor(private readonly client: SecretsManagerClient) {}

  public async get(secretId: string): Promise<string> {
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!out.SecretString) throw new ConfigurationError(`secret ${secretId} has no text value`);
    return out.SecretString;
  }
}
