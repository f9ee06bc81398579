import { randomUUID } from 'node:crypto';
import { AwsApiError, type AwsJsonServer, startAwsJsonServer } from './aws-json-server';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-runtime';

/**
 * Secrets Manager's GetSecretValue over the AWS JSON protocol, for the secrets the local stack
 * creates at start (e.g. the PII hash key), so handlers read them with the unchanged SDK client.
 */
export function startLocalSecretsManager(secrets: Readonly<Record<string, string>>): Promise<AwsJsonServer> {
  const created = Date.now() / 1000;
  const arnOf = (name: string) =>
    `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${name}-local`;
  return startAwsJsonServer({
    targetPrefix: 'secretsmanager',
    contentType: 'application/x-amz-json-1.1',
    operations: {
      GetSecretValue: (input) => {
        const id = typeof input.SecretId === 'string' ? input.SecretId : '';
        const name = Object.keys(secrets).find((n) => n === id || arnOf(n) === id);
        const value = name === undefined ? undefined : secrets[name];
        if (name === undefined || value === undefined) {
          throw new AwsApiError(
            'ResourceNotFoundException',
            "Secrets Manager can't find the specified secret.",
          );
        }
        return {
          ARN: arnOf(name),
          Name: name,
          SecretString: value,
          VersionId: randomUUID(),
          CreatedDate: created,
        };
      },
    },
  });
}
