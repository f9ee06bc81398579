import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { DynamoDbRunRepository } from '#shared/adapters/aws/dynamodb-run-repository';
import type { Failure, StageRecord } from '#shared/domain/runs/run-record';
import { sampleRunRecord, sampleRunSummary, sampleUsage } from '../../support/fakes';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION = 'us-east-1';

const ddbMock = mockClient(DynamoDBDocumentClient);
const TABLE = 'campaign-runs';

const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(item ? { Item: item as never } : {}),
  });

const throttled = () => new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });

const failure: Failure = {
  stage: 'features',
  errorType: 'QueryFailedError',
  file: 'features',
  rule: 'stage_failed',
  message: 'query x failed',
};

describe('DynamoDbRunRepository', () => {
  let repo: DynamoDbRunRepository;

  beforeEach(() => {
    ddbMock.reset();
    repo = new DynamoDbRunRepository(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      TABLE,
    );
  });

  describe('claimBatch', () => {
    it('claims an unclaimed manifest version with attribute_not_exists and returns undefined', async () => {
      ddbMock.on(PutCommand).resolves({});

      expect(await repo.claimBatch('landing/incoming/p/b/manifest.json#v1', 'r1')).toBeUndefined();

      const input = ddbMock.commandCalls(PutCommand)[0]?.args[0].input;
      expect(input).toMatchObject({
        TableName: TABLE,
        Item: { pk: 'batch#landing/incoming/p/b/manifest.json#v1', runId: 'r1' },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      expect(input?.ExpressionAttributeValues).toBeUndefined();
      expect(Number.isNaN(Date.parse(String(input?.Item?.claimedAt)))).toBe(false);
    });

    it('returns the owner from the item DynamoDB hands back with the condition failure', async () => {
      ddbMock.on(PutCommand).rejects(conditionFailed({ pk: { S: 'batch#k' }, runId: { S: 'r0' } }));
      expect(await repo.claimBatch('k', 'r1')).toBe('r0');
    });

    it('takes over a claim only from the run it replaces (runId = :previous)', async () => {
      ddbMock.on(PutCommand).resolves({});

      expect(await repo.claimBatch('k', 'r2', 'r0')).toBeUndefined();

      expect(ddbMock.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
        Item: { pk: 'batch#k', runId: 'r2' },
        ConditionExpression: 'runId = :previous',
        ExpressionAttributeValues: { ':previous': 'r0' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    });

    it('returns whoever took the claim meanwhile when replacing fails', async () => {
      ddbMock.on(PutCommand).rejects(conditionFailed({ runId: { S: 'r9' } }));
      expect(await repo.claimBatch('k', 'r2', 'r0')).toBe('r9');
    });

    it('rethrows a condition failure that carries no owner', async () => {
      const error = conditionFailed();
      ddbMock.on(PutCommand).rejects(error);
      await expect(repo.claimBatch('k', 'r2', 'r0')).rejects.toBe(error);
    });

    it('rethrows any other error', async () => {
      const error = throttled();
      ddbMock.on(PutCommand).rejects(error);
      await expect(repo.claimBatch('k', 'r1')).rejects.toBe(error);
    });
  });

  describe('create', () => {
    it('puts the run with its list-index keys, only if it does not exist', async () => {
      ddbMock.on(PutCommand).resolves({});
      const run = sampleRunRecord({ runId: 'r1', startedAt: '2026-11-22T07:00:00.000Z' });

      await repo.create(run);

      expect(ddbMock.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
        TableName: TABLE,
        Item: { pk: 'run#r1', gsi1pk: 'runs', gsi1sk: '2026-11-22T07:00:00.000Z#r1', ...run },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
    });

    it('is idempotent: an existing run (condition failure) is not an error', async () => {
      ddbMock.on(PutCommand).rejects(conditionFailed());
      await expect(repo.create(sampleRunRecord())).resolves.toBeUndefined();
    });

    it('throws other errors', async () => {
      const error = throttled();
      ddbMock.on(PutCommand).rejects(error);
      await expect(repo.create(sampleRunRecord())).rejects.toBe(error);
    });
  });

  describe('get', () => {
    it('parses the item through the run schema, dropping the key attributes', async () => {
      const run = sampleRunRecord({ runId: 'r1' });
      ddbMock
        .on(GetCommand, { TableName: TABLE, Key: { pk: 'run#r1' } })
        .resolves({ Item: { pk: 'run#r1', gsi1pk: 'runs', gsi1sk: 'x', ...run } });

      expect(await repo.get('r1')).toEqual(run);
    });

    it('returns undefined for an unknown run', async () => {
      ddbMock.on(GetCommand).resolves({});
      expect(await repo.get('nope')).toBeUndefined();
    });

    it('refuses an item that does not match the schema', async () => {
      ddbMock.on(GetCommand).resolves({ Item: { pk: 'run#r1', runId: 'r1', status: 'WEIRD' } });
      await expect(repo.get('r1')).rejects.toBeInstanceOf(ZodError);
    });
  });

  it('recordStage sets stages.#stage on an existing run', async () => {
    ddbMock.on(UpdateCommand).resolves({});
    const record: StageRecord = {
      status: 'SUCCEEDED',
      startedAt: '2026-11-22T07:00:00.000Z',
      finishedAt: '2026-11-22T07:00:01.000Z',
      durationMs: 1000,
      counts: { customers: 3 },
      usage: sampleUsage({ lambdaInvocations: 1 }),
    };

    await repo.recordStage('r1', 'score', record);

    expect(ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'run#r1' },
      UpdateExpression: 'SET stages.#stage = :record',
      ExpressionAttributeNames: { '#stage': 'score' },
      ExpressionAttributeValues: { ':record': record },
      ConditionExpression: 'attribute_exists(pk)',
    });
  });

  it('recordFiles sets files on an existing run', async () => {
    ddbMock.on(UpdateCommand).resolves({});
    const files = [
      { dataset: 'customers' as const, key: 'customers.csv', rowsIn: 3, accepted: 2, rejected: 1 },
    ];

    await repo.recordFiles('r1', files);

    expect(ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'run#r1' },
      UpdateExpression: 'SET files = :files',
      ExpressionAttributeValues: { ':files': files },
      ConditionExpression: 'attribute_exists(pk)',
    });
  });

  describe('markFailed', () => {
    it('sets FAILED, the failure and finishedAt on a RUNNING run', async () => {
      ddbMock.on(UpdateCommand).resolves({});

      await repo.markFailed('r1', failure, '2026-11-22T08:00:00.000Z');

      expect(ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
        TableName: TABLE,
        Key: { pk: 'run#r1' },
        UpdateExpression: 'SET #status = :failed, failure = :failure, finishedAt = :at',
        ConditionExpression: '#status = :running',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':failed': 'FAILED',
          ':running': 'RUNNING',
          ':failure': failure,
          ':at': '2026-11-22T08:00:00.000Z',
        },
      });
    });

    it('leaves a run that is not RUNNING as it is (condition failure swallowed)', async () => {
      ddbMock.on(UpdateCommand).rejects(conditionFailed());
      await expect(repo.markFailed('r1', failure, '2026-11-22T08:00:00.000Z')).resolves.toBeUndefined();
    });

    it('throws other errors', async () => {
      const error = throttled();
      ddbMock.on(UpdateCommand).rejects(error);
      await expect(repo.markFailed('r1', failure, '2026-11-22T08:00:00.000Z')).rejects.toBe(error);
    });
  });

  describe('publish', () => {
    it('updates the RUNNING run and puts the published pointer in one transaction', async () => {
      ddbMock.on(TransactWriteCommand).resolves({});
      const summary = sampleRunSummary();

      await repo.publish('r1', summary, '2026-11-22T09:00:00.000Z');

      const calls = ddbMock.commandCalls(TransactWriteCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.args[0].input).toEqual({
        TransactItems: [
          {
            Update: {
              TableName: TABLE,
              Key: { pk: 'run#r1' },
              UpdateExpression: 'SET #status = :succeeded, summary = :summary, finishedAt = :at',
              ConditionExpression: '#status = :running',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':succeeded': 'SUCCEEDED',
                ':running': 'RUNNING',
                ':summary': summary,
                ':at': '2026-11-22T09:00:00.000Z',
              },
            },
          },
          {
            Put: {
              TableName: TABLE,
              Item: { pk: 'published#current', runId: 'r1', publishedAt: '2026-11-22T09:00:00.000Z' },
            },
          },
        ],
      });
      expect(ddbMock.commandCalls(PutCommand)).toHaveLength(0);
      expect(ddbMock.commandCalls(UpdateCommand)).toHaveLength(0);
    });

    it('fails when the transaction is cancelled (the run is not RUNNING)', async () => {
      const cancelled = new TransactionCanceledException({ message: 'cancelled', $metadata: {} });
      ddbMock.on(TransactWriteCommand).rejects(cancelled);
      await expect(repo.publish('r1', sampleRunSummary(), '2026-11-22T09:00:00.000Z')).rejects.toBe(
        cancelled,
      );
    });
  });

  it('latestPublishedRunId reads the pointer', async () => {
    ddbMock
      .on(GetCommand, { TableName: TABLE, Key: { pk: 'published#current' } })
      .resolves({ Item: { runId: 'r7' } });
    expect(await repo.latestPublishedRunId()).toBe('r7');

    ddbMock.reset();
    ddbMock.on(GetCommand).resolves({});
    expect(await repo.latestPublishedRunId()).toBeUndefined();
  });

  describe('list', () => {
    it('queries byStartedAt newest first and round-trips the cursor', async () => {
      // Prepare
      const r2 = sampleRunRecord({ runId: 'r2', startedAt: '2026-11-22T08:00:00.000Z' });
      const r1 = sampleRunRecord({ runId: 'r1', startedAt: '2026-11-22T07:00:00.000Z' });
      const lastKey = { pk: 'run#r1', gsi1pk: 'runs', gsi1sk: '2026-11-22T07:00:00.000Z#r1' };
      ddbMock
        .on(QueryCommand)
        .resolvesOnce({
          Items: [
            { pk: 'run#r2', gsi1pk: 'runs', ...r2 },
            { pk: 'run#r1', ...r1 },
          ],
          LastEvaluatedKey: lastKey,
        })
        .resolvesOnce({ Items: [] });

      // Act
      const first = await repo.list(2);
      const second = await repo.list(2, first.nextCursor);

      // Assess
      expect(first.runs).toEqual([r2, r1]);
      expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(second).toEqual({ runs: [] });
      const inputs = ddbMock.commandCalls(QueryCommand).map((c) => c.args[0].input);
      expect(inputs[0]).toEqual({
        TableName: TABLE,
        IndexName: 'byStartedAt',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': 'runs' },
        ScanIndexForward: false,
        Limit: 2,
      });
      expect(inputs[1]).toEqual({ ...inputs[0], ExclusiveStartKey: lastKey });
    });
  });
});
