import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal } from '#infra/local/dynamodb';
import { tables } from '#infra/topology/tables';
import { DynamoDbRecommendationRepository } from '#shared/adapters/aws/dynamodb-recommendation-repository';
import { DynamoDbRunRepository } from '#shared/adapters/aws/dynamodb-run-repository';
import type { Failure, StageRecord } from '#shared/domain/runs/run-record';
import { sampleRecommendation, sampleRunRecord, sampleRunSummary, sampleUsage } from '../support/fakes';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION = 'us-east-1';

const RUNS = 'it-runs';
const RECOMMENDATIONS = 'it-recommendations';

const failure: Failure = {
  stage: 'features',
  errorType: 'QueryFailedError',
  file: 'features',
  rule: 'stage_failed',
  message: 'query failed',
};

let dynamodb: { endpoint: string; stop(): Promise<void> };
let doc: DynamoDBDocumentClient;
let runs: DynamoDbRunRepository;
let recommendations: DynamoDbRecommendationRepository;

beforeAll(async () => {
  dynamodb = await startDynamoDbLocal([
    { tableName: RUNS, spec: tables.runs },
    { tableName: RECOMMENDATIONS, spec: tables.recommendations },
  ]);
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamodb.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  runs = new DynamoDbRunRepository(doc, RUNS);
  recommendations = new DynamoDbRecommendationRepository(doc, RECOMMENDATIONS);
});

afterAll(async () => {
  doc?.destroy();
  await dynamodb?.stop();
});

describe('DynamoDbRunRepository on DynamoDB Local', () => {
  it('claims a manifest version once and names the owner to everyone else', async () => {
    expect(await runs.claimBatch('claim-1', 'r-a')).toBeUndefined();
    // ReturnValuesOnConditionCheckFailure hands back the holder of the claim.
    expect(await runs.claimBatch('claim-1', 'r-b')).toBe('r-a');
    expect(await runs.claimBatch('claim-1', 'r-a')).toBe('r-a');
  });

  it('takes over a claim only from the run it replaces', async () => {
    await runs.claimBatch('claim-2', 'r-a');

    expect(await runs.claimBatch('claim-2', 'r-c', 'r-x')).toBe('r-a');
    expect(await runs.claimBatch('claim-2', 'r-b', 'r-a')).toBeUndefined();
    expect(await runs.claimBatch('claim-2', 'r-c')).toBe('r-b');

    const item = await doc.send(new GetCommand({ TableName: RUNS, Key: { pk: 'batch#claim-2' } }));
    expect(item.Item?.runId).toBe('r-b');
  });

  it('fails a take-over of a claim that does not exist (no owner to return)', async () => {
    await expect(runs.claimBatch('claim-none', 'r-b', 'r-a')).rejects.toThrow();
  });

  it('creates a run once and reads it back through the schema', async () => {
    const run = sampleRunRecord({ runId: 'create-1', startedAt: '2026-01-01T00:00:00.000Z' });
    await runs.create(run);
    // A retried registration changes nothing.
    await runs.create({ ...run, status: 'DUPLICATE', duplicateOf: 'x' });

    expect(await runs.get('create-1')).toEqual(run);
    expect(await runs.get('create-missing')).toBeUndefined();
  });

  it('records stages and files on the run', async () => {
    await runs.create(sampleRunRecord({ runId: 'stage-1', startedAt: '2026-01-01T00:00:01.000Z' }));
    const record = (status: StageRecord['status']): StageRecord => ({
      status,
      startedAt: '2026-01-01T00:00:02.000Z',
      finishedAt: '2026-01-01T00:00:03.500Z',
      durationMs: 1500,
      counts: { customers: 12 },
      usage: sampleUsage({
        lambdaInvocations: 1,
        lambdaMs: 1500,
        lambdaMemoryMb: 512,
        dynamodbWriteUnits: 0.5,
      }),
    });
    const files = [
      {
        dataset: 'customers' as const,
        key: 'customers.csv',
        rowsIn: 3,
        accepted: 2,
        rejected: 1,
        quarantine: { bucket: 'lake', key: 'q/customers.jsonl' },
      },
    ];

    await runs.recordStage('stage-1', 'validate', record('SUCCEEDED'));
    await runs.recordStage('stage-1', 'features', record('FAILED'));
    await runs.recordFiles('stage-1', files);

    const run = await runs.get('stage-1');
    expect(run?.stages).toEqual({ validate: record('SUCCEEDED'), features: record('FAILED') });
    expect(run?.files).toEqual(files);
  });

  it('refuses to record a stage of a run that does not exist', async () => {
    await expect(runs.recordStage('ghost', 'validate', { ...sampleStage() })).rejects.toThrow();
    expect(await runs.get('ghost')).toBeUndefined();
  });

  it('marks only a RUNNING run FAILED', async () => {
    await runs.create(sampleRunRecord({ runId: 'fail-1', startedAt: '2026-01-01T00:00:04.000Z' }));
    await runs.markFailed('fail-1', failure, '2026-01-01T01:00:00.000Z');
    // A second failure (a retried FailRun) leaves the first as it is.
    await runs.markFailed('fail-1', { ...failure, message: 'second' }, '2026-01-01T02:00:00.000Z');

    expect(await runs.get('fail-1')).toMatchObject({
      status: 'FAILED',
      failure,
      finishedAt: '2026-01-01T01:00:00.000Z',
    });

    await runs.create(
      sampleRunRecord({ runId: 'fail-2', status: 'SUCCEEDED', startedAt: '2026-01-01T00:00:05.000Z' }),
    );
    await runs.markFailed('fail-2', failure, '2026-01-01T01:00:00.000Z');
    expect((await runs.get('fail-2'))?.status).toBe('SUCCEEDED');
  });

  it('publishes atomically: a run that is not RUNNING is refused and the pointer stays', async () => {
    await runs.create(sampleRunRecord({ runId: 'pub-1', startedAt: '2026-01-01T00:00:06.000Z' }));
    await runs.create(sampleRunRecord({ runId: 'pub-2', startedAt: '2026-01-01T00:00:07.000Z' }));
    const summary = sampleRunSummary();

    await runs.publish('pub-1', summary, '2026-01-01T03:00:00.000Z');
    expect(await runs.latestPublishedRunId()).toBe('pub-1');
    expect(await runs.get('pub-1')).toMatchObject({
      status: 'SUCCEEDED',
      summary,
      finishedAt: '2026-01-01T03:00:00.000Z',
    });

    // pub-1 again (no longer RUNNING), and pub-2 after it failed: neither moves the pointer.
    await expect(runs.publish('pub-1', summary, '2026-01-01T04:00:00.000Z')).rejects.toBeInstanceOf(
      TransactionCanceledException,
    );
    await runs.markFailed('pub-2', failure, '2026-01-01T04:00:00.000Z');
    await expect(runs.publish('pub-2', summary, '2026-01-01T04:00:00.000Z')).rejects.toBeInstanceOf(
      TransactionCanceledException,
    );
    await expect(runs.publish('never-created', summary, '2026-01-01T04:00:00.000Z')).rejects.toBeInstanceOf(
      TransactionCanceledException,
    );
    expect(await runs.latestPublishedRunId()).toBe('pub-1');
    expect((await runs.get('pub-2'))?.status).toBe('FAILED');
    expect((await runs.get('pub-1'))?.finishedAt).toBe('2026-01-01T03:00:00.000Z');
  });

  it('lists run items only, newest first, a page at a time', async () => {
    // Prepare: a separate time range so the other tests' runs sort below these.
    const ids = Array.from({ length: 7 }, (_, i) => `list-${i}`);
    for (const [i, runId] of ids.entries()) {
      await runs.create(sampleRunRecord({ runId, startedAt: `2027-01-0${i + 1}T00:00:00.000Z` }));
    }

    // Act: pages of 3 until the cursor runs out.
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await runs.list(3, cursor);
      seen.push(...page.runs.map((r) => r.runId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);

    // Assess: the 7 new runs newest first, then the runs the tests above created, also newest
    // first; the claim and pointer items (no index keys) never show up.
    expect(seen).toEqual([
      ...[...ids].reverse(),
      'pub-2',
      'pub-1',
      'fail-2',
      'fail-1',
      'stage-1',
      'create-1',
    ]);
    expect(pages).toBe(5);
    const first = await runs.list(3);
    expect(first.runs.map((r) => r.runId)).toEqual(['list-6', 'list-5', 'list-4']);
  });

  it('gives a run record with extra attributes back without them', async () => {
    const run = sampleRunRecord({ runId: 'extra-1', startedAt: '2026-01-01T00:00:09.000Z' });
    await doc.send(
      new PutCommand({
        TableName: RUNS,
        Item: { pk: 'run#extra-1', gsi1pk: 'runs', gsi1sk: `${run.startedAt}#extra-1`, ...run, legacy: 1 },
      }),
    );
    expect(await runs.get('extra-1')).toEqual(run);
  });
});

describe('DynamoDbRecommendationRepository on DynamoDB Local', () => {
  it("writes ~60 recommendations and reads each customer's per run, in rank order", async () => {
    // Prepare: 20 customers × 3 ranks in run A, and 1 recommendation each in run B.
    const runA = Array.from({ length: 20 }, (_, c) =>
      [3, 1, 2].map((rank) =>
        sampleRecommendation({ customerId: `cust-${c}`, runId: 'run-a', rank, offerId: `o${rank}` }),
      ),
    ).flat();
    const runB = Array.from({ length: 20 }, (_, c) =>
      sampleRecommendation({ customerId: `cust-${c}`, runId: 'run-b', rank: 1, offerId: 'ob' }),
    );

    // Act
    expect(await recommendations.putAll(runA)).toEqual({ written: 60 });
    expect(await recommendations.putAll(runB)).toEqual({ written: 20 });

    // Assess
    const ofA = await recommendations.forCustomer('cust-7', 'run-a');
    expect(ofA).toEqual(
      [1, 2, 3].map((rank) =>
        sampleRecommendation({ customerId: 'cust-7', runId: 'run-a', rank, offerId: `o${rank}` }),
      ),
    );
    expect(await recommendations.forCustomer('cust-7', 'run-b')).toEqual([
      sampleRecommendation({ customerId: 'cust-7', runId: 'run-b', rank: 1, offerId: 'ob' }),
    ]);
    expect(await recommendations.forCustomer('cust-99', 'run-a')).toEqual([]);
    // A run id that is a prefix of another does not see the other's items.
    expect(await recommendations.forCustomer('cust-7', 'run')).toEqual([]);

    const raw = await doc.send(
      new GetCommand({ TableName: RECOMMENDATIONS, Key: { pk: 'cust-7', sk: 'run-a#001' } }),
    );
    expect(raw.Item?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 179 * 86_400);
  });
});

function sampleStage(): StageRecord {
  return {
    status: 'SUCCEEDED',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    durationMs: 1000,
    counts: {},
    usage: sampleUsage(),
  };
}
