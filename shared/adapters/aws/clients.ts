import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Usage } from '../../domain/runs/run-record';
import { currentMeter } from '../../lambda/usage-meter';

/**
 * SDK clients, created once per process and configured only by the environment: on AWS the
 * Lambda role and region; locally `AWS_ENDPOINT_URL_*` points each client at its emulator.
 * Metering middleware feeds the run's cost report from the calls actually made.
 */

const S3_PUT_CLASS = new Set([
  'PutObjectCommand',
  'CopyObjectCommand',
  'CreateMultipartUploadCommand',
  'UploadPartCommand',
  'CompleteMultipartUploadCommand',
]);

function s3RequestKind(commandName: string): keyof Usage['s3Requests'] {
  if (S3_PUT_CLASS.has(commandName)) return 'put';
  if (commandName === 'ListObjectsV2Command') return 'list';
  if (commandName === 'GetObjectCommand') return 'get';
  return 'other';
}

function bodyBytes(input: { Body?: unknown; ContentLength?: number }): number {
  const body = input.Body;
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return input.ContentLength ?? 0;
}

function meterS3(client: S3Client): S3Client {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '';
      currentMeter()?.s3Request(s3RequestKind(name), bodyBytes(args.input as { Body?: unknown }));
      return next(args);
    },
    { step: 'initialize', name: 'campaignUsageMeter' },
  );
  return client;
}

const CAPACITY_COMMANDS = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
  'TransactGetItemsCommand',
]);

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

function isWrite(commandName: string): boolean {
  return /Put|Update|Delete|BatchWrite|TransactWrite/.test(commandName);
}

function meterDynamoDb(client: DynamoDBClient): DynamoDBDocumentClient {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '';
      const meter = currentMeter();
      if (!meter || !CAPACITY_COMMANDS.has(name)) return next(args);
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity ??= 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
      const units = [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      meter.dynamodb(isWrite(name) ? 0 : units, isWrite(name) ? units : 0);
      return result;
    },
    { step: 'initialize', name: 'campaignUsageMeter' },
  );
  return doc;
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/** One client per service per process, reused across invocations (created at cold start). */
export const s3Client = once(() => meterS3(new S3Client({})));
export const documentClient = once(() => meterDynamoDb(new DynamoDBClient({})));
export const athenaClient = once(() => new AthenaClient({}));
export const sfnClient = once(() => new SFNClient({}));
export const secretsClient = once(() => new SecretsManagerClient({}));

/** For tests: meter a client built elsewhere (e.g. one wrapped by aws-sdk-client-mock). */
export const metered = { s3: meterS3, dynamodb: meterDynamoDb };
