import { AthenaQueryEngine } from './athena-query-engine';
import { athenaClient, documentClient, s3Client, secretsClient, sfnClient } from './clients';
import { DynamoDbRecommendationRepository } from './dynamodb-recommendation-repository';
import { DynamoDbRunRepository } from './dynamodb-run-repository';
import { S3ObjectStore } from './s3-object-store';
import { S3UploadUrlSigner } from './s3-upload-url-signer';
import { SecretsManagerSecretSource } from './secrets-manager-secret-source';
import { SfnRunStarter } from './sfn-run-starter';

/** The adapters a handler wires at cold start, each over the process's shared SDK client. */
export const adapters = {
  objectStore: () => new S3ObjectStore(s3Client()),
  runRepository: (tableName: string) => new DynamoDbRunRepository(documentClient(), tableName),
  recommendationRepository: (tableName: string) =>
    new DynamoDbRecommendationRepository(documentClient(), tableName),
  queryEngine: (workgroup: string, database: string) =>
    new AthenaQueryEngine(athenaClient(), { workgroup, database }),
  runStarter: (stateMachineArn: string) => new SfnRunStarter(sfnClient(), stateMachineArn),
  uploadUrlSigner: () => new S3UploadUrlSigner(s3Client()),
  secretSource: () => new SecretsManagerSecretSource(secretsClient()),
};
