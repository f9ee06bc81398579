import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { InvalidRequestError } from '../../domain/errors';
import {
  type Failure,
  type RunRecord,
  type RunSummary,
  runRecord,
  type StageRecord,
} from '../../domain/runs/run-record';
import type { FileAccount, StageName } from '../../domain/runs/run-state';
import type { RunPage, RunRepository } from '../../ports/run-repository';

const RUN_LIST_PARTITION = 'runs';
const PUBLISHED_POINTER = 'published#current';

const runKey = (runId: string) => ({ pk: `run#${runId}` });
const claimKey = (batchKey: string) => ({ pk: `batch#${batchKey}` });

/**
 * Runs in DynamoDB. One table holds run items, manifest claims and the published-run pointer;
 * `byStartedAt` lists runs newest first (only run items carry its keys).
 */
export class DynamoDbRunRepository implements RunRepository {
  public constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async claimBatch(batchKey: string, runId: string, replacing?: string): Promise<string | undefined> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...claimKey(batchKey), runId, claimedAt: new Date().toISOString() },
          ...(replacing
            ? {
                ConditionExpression: 'runId = :previous',
                ExpressionAttributeValues: { ':previous': replacing },
              }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const owner = (error.Item as { runId?: { S?: string } } | undefined)?.runId?.S;
      if (!owner) throw error;
      return owner;
    }
  }

  /** Idempotent: a retried registration finds its run already there and leaves it. */
  public async create(run: RunRecord): Promise<void> {
    await this.ddb
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...runKey(run.runId),
            gsi1pk: RUN_LIST_PARTITION,
            gsi1sk: `${run.startedAt}#${run.runId}`,
            ...run,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  public async get(runId: string): Promise<RunRecord | undefined> {
    const out = await this.ddb.send(new GetCommand({ TableName: this.tableName, Key: runKey(runId) }));
    return out.Item ? runRecord.parse(out.Item) : undefined;
  }

  public async list(limit: number, cursor?: string): Promise<RunPage> {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byStartedAt',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': RUN_LIST_PARTITION },
        ScanIndexForward: false,
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor) } : {}),
      }),
    );
    return {
      runs: (out.Items ?? []).map((item) => runRecord.parse(item)),
      ...(out.LastEvaluatedKey ? { nextCursor: encodeCursor(out.LastEvaluatedKey) } : {}),
    };
  }

  public async recordStage(runId: string, stage: StageName, record: StageRecord): Promise<void> {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: runKey(runId),
        UpdateExpression: 'SET stages.#stage = :record',
        ExpressionAttributeNames: { '#stage': stage },
        ExpressionAttributeValues: { ':record': record },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  public async recordFiles(runId: string, files: readonly FileAccount[]): Promise<void> {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: runKey(runId),
        UpdateExpression: 'SET files = :files',
        ExpressionAttributeValues: { ':files': files },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  /** Idempotent: a run that is no longer RUNNING (already failed, or published) is left as it is. */
  public async markFailed(runId: string, failure: Failure, finishedAt: string): Promise<void> {
    await this.ddb
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(runId),
          UpdateExpression: 'SET #status = :failed, failure = :failure, finishedAt = :at',
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':failed': 'FAILED',
            ':running': 'RUNNING',
            ':failure': failure,
            ':at': finishedAt,
          },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  public async publish(runId: string, summary: RunSummary, finishedAt: string): Promise<void> {
    await this.ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: runKey(runId),
              UpdateExpression: 'SET #status = :succeeded, summary = :summary, finishedAt = :at',
              ConditionExpression: '#status = :running',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':succeeded': 'SUCCEEDED',
                ':running': 'RUNNING',
                ':summary': summary,
                ':at': finishedAt,
              },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: { pk: PUBLISHED_POINTER, runId, publishedAt: finishedAt },
            },
          },
        ],
      }),
    );
  }

  public async latestPublishedRunId(): Promise<string | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: PUBLISHED_POINTER } }),
    );
    const runId = out.Item?.runId;
    return typeof runId === 'string' ? runId : undefined;
  }
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Only a cursor this API issued is accepted: it names a run item of the listing index. */
function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const valid =
      key.gsi1pk === RUN_LIST_PARTITION &&
      typeof key.gsi1sk === 'string' &&
      typeof key.pk === 'string' &&
      key.pk.startsWith('run#') &&
      Object.keys(key).length === 3;
    if (valid) return key;
  } catch {
    // an undecodable cursor gets the same answer as a foreign one, below
  }
  throw new InvalidRequestError('query.cursor', 'is not a cursor this API issued');
}
