import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addUsage, buildCostReport, costReport } from '#shared/domain/reporting/cost-report';
import { priceTable } from '#shared/domain/reporting/price-table';
import { emptyUsage, type StageRecord, type Usage } from '#shared/domain/runs/run-record';
import { sampleRunSummary, sampleUsage } from '../../support/fakes';

const prices = priceTable.parse(
  JSON.parse(readFileSync(new URL('../../../config/aws-prices.json', import.meta.url), 'utf8')),
);
const MB = 1024 ** 2;
const GB = 1024 ** 3;
const TB = 1024 ** 4;

function stage(durationMs: number, usage: Partial<Usage>): StageRecord {
  return {
    status: 'SUCCEEDED',
    startedAt: '2026-11-22T07:00:00.000Z',
    finishedAt: '2026-11-22T07:01:00.000Z',
    durationMs,
    counts: {},
    usage: sampleUsage({ lambdaInvocations: 1, lambdaMs: durationMs, ...usage }),
  };
}

/** Three stages whose figures are chosen so each line can be worked out by hand. */
const stages = {
  validate: stage(2000, {
    lambdaMemoryMb: 1024,
    s3Requests: { get: 3, put: 2, list: 1, other: 1 },
    s3BytesWritten: GB,
    dynamodbWriteUnits: 1,
  }),
  features: stage(10_000, {
    lambdaMemoryMb: 512,
    s3Requests: { get: 0, put: 4, list: 0, other: 0 },
    s3BytesWritten: GB,
    athenaQueries: 3,
    athenaBytesScanned: 5 * MB, // under the 3 × 10 MB minimum
    dynamodbWriteUnits: 1,
    dynamodbReadUnits: 1,
  }),
  score: stage(1000, { lambdaMemoryMb: 2048, athenaQueries: 1, athenaBytesScanned: TB }),
};

const plan = sampleRunSummary().plan; // spend 100, profit 150

function build(overrides: Partial<Parameters<typeof buildCostReport>[0]> = {}) {
  return buildCostReport({
    runId: 'r1',
    stages,
    plan,
    prices,
    campaignCurrency: 'EUR',
    controlStateTransitions: 4,
    now: new Date('2026-11-22T08:00:00.000Z'),
    ...overrides,
  });
}

describe('buildCostReport', () => {
  it('uses the list prices of config/aws-prices.json', () => {
    expect(prices.lambda.perGbSecond).toBe(0.0000133334);
    expect(prices.athena.minimumBytesPerQuery).toBe(10 * MB);
  });

  it('prices each line from the measured usage', () => {
    const report = build();
    const line = (item: string) => report.aws.lines.find((l) => l.item === item);

    // GB-seconds per stage at its own memory: 2 s × 1 GB + 10 s × 0.5 GB + 1 s × 2 GB = 9
    expect(line('compute')).toMatchObject({
      service: 'Lambda',
      quantity: 9,
      unit: 'GB-second',
      basis: 'measured',
    });
    expect(line('compute')?.cost).toBeCloseTo(9 * 0.0000133334, 15);
    // 3 invocations at 0.20 per million
    expect(line('requests')).toMatchObject({ quantity: 3, unit: 'request' });
    expect(line('requests')?.cost).toBeCloseTo(0.0000006, 15);
    // 3 Lambda states + 4 control states = 7 transitions at 0.025 per thousand
    expect(line('state transitions')).toMatchObject({
      service: 'Step Functions',
      quantity: 7,
      basis: 'estimated',
    });
    expect(line('state transitions')?.cost).toBeCloseTo(0.000175, 15);
    // Athena per stage: features max(5 MB, 3 × 10 MB) = 30 MB; score max(1 TB, 10 MB) = 1 TB
    const athena = line('data scanned (billed, 10 MB minimum per query)');
    expect(athena?.quantity).toBeCloseTo(1 + 30 / 1_048_576, 15);
    expect(athena?.cost).toBeCloseTo(5 * (1 + 30 / 1_048_576), 12);
    // S3: PUT class 2 + 4 puts + 1 list = 7; GET class 3 gets + 1 other = 4; 2 GB stored for a month
    expect(line('PUT, COPY, POST and LIST requests')).toMatchObject({ quantity: 7 });
    expect(line('PUT, COPY, POST and LIST requests')?.cost).toBeCloseTo(0.000035, 15);
    expect(line('GET and other requests')).toMatchObject({ quantity: 4 });
    expect(line('GET and other requests')?.cost).toBeCloseTo(0.0000016, 15);
    expect(line('storage of what the run wrote, one month')).toMatchObject({ quantity: 2, unit: 'GB-month' });
    expect(line('storage of what the run wrote, one month')?.cost).toBeCloseTo(0.046, 15);
    // DynamoDB: 2 WRU at 0.625 per million, 1 RRU at 0.125 per million
    expect(line('write request units')).toMatchObject({ quantity: 2, unit: 'WRU' });
    expect(line('write request units')?.cost).toBeCloseTo(0.00000125, 15);
    expect(line('read request units')).toMatchObject({ quantity: 1, unit: 'RRU' });
    expect(line('read request units')?.cost).toBeCloseTo(0.000000125, 15);

    expect(report.aws.lines).toHaveLength(9);
    expect(report.aws.total).toBeCloseTo(5.046476626747461, 12);
    expect(report.aws.currency).toBe('USD');
    expect(report.aws.priceTable).toEqual({
      region: 'us-east-1',
      effectiveDate: '2026-11-01',
      source: prices.source,
    });
  });

  it('costs each stage at its own memory and Athena minimum', () => {
    const byStage = build().aws.byStage;

    expect(byStage.map((s) => [s.stage, s.durationMs])).toEqual([
      ['validate', 2000],
      ['features', 10_000],
      ['score', 1000],
    ]);
    // validate: 2 GB-s + 1 request
    expect(byStage[0]?.cost).toBeCloseTo(2 * 0.0000133334 + 0.0000002, 15);
    // features: 5 GB-s + 1 request + 30 MB of Athena
    expect(byStage[1]?.cost).toBeCloseTo(5 * 0.0000133334 + 0.0000002 + (30 / 1_048_576) * 5, 15);
    // score: 2 GB-s + 1 request + 1 TB of Athena
    expect(byStage[2]?.cost).toBeCloseTo(2 * 0.0000133334 + 0.0000002 + 5, 12);
  });

  it('sets the campaign spend beside its expected return', () => {
    const report = build();
    expect(report.campaign).toEqual({
      currency: 'EUR',
      budget: 1000,
      spend: 100,
      contactCost: 20,
      expectedDiscountCost: 80,
      customersTargeted: 40,
    });
    expect(report.expectedReturn).toEqual({
      currency: 'EUR',
      incrementalConversions: 4,
      incrementalRevenue: 400,
      incrementalProfit: 150,
      roi: 1.5,
    });
    expect(report.runId).toBe('r1');
    expect(report.generatedAt).toBe('2026-11-22T08:00:00.000Z');
  });

  it('has no ROI when nothing was spent', () => {
    expect(build({ plan: { ...plan, spend: 0 } }).expectedReturn.roi).toBeNull();
  });

  it('bills no Athena for a run without queries, and still counts the control transitions', () => {
    const report = build({ stages: {} });
    expect(report.aws.total).toBeCloseTo((4 / 1000) * 0.025, 15);
    expect(report.aws.byStage).toEqual([]);
  });

  it('is a valid cost report', () => {
    expect(costReport.safeParse(build()).success).toBe(true);
  });
});

describe('addUsage', () => {
  it('sums every count and keeps the larger memory size', () => {
    const a = sampleUsage({
      lambdaInvocations: 1,
      lambdaMs: 100,
      lambdaMemoryMb: 512,
      s3Requests: { get: 1, put: 2, list: 3, other: 4 },
      s3BytesWritten: 10,
      athenaQueries: 1,
      athenaBytesScanned: 5,
      dynamodbWriteUnits: 1.5,
      dynamodbReadUnits: 0.5,
    });
    const b = sampleUsage({
      lambdaInvocations: 2,
      lambdaMs: 50,
      lambdaMemoryMb: 2048,
      s3Requests: { get: 10, put: 20, list: 30, other: 40 },
      s3BytesWritten: 1,
      athenaQueries: 2,
      athenaBytesScanned: 7,
      dynamodbWriteUnits: 1,
      dynamodbReadUnits: 2,
    });

    expect(addUsage(a, b)).toEqual({
      lambdaInvocations: 3,
      lambdaMs: 150,
      lambdaMemoryMb: 2048,
      s3Requests: { get: 11, put: 22, list: 33, other: 44 },
      s3BytesWritten: 11,
      athenaQueries: 3,
      athenaBytesScanned: 12,
      dynamodbWriteUnits: 2.5,
      dynamodbReadUnits: 2.5,
    });
  });

  it('has emptyUsage as identity', () => {
    const a = sampleUsage({ lambdaInvocations: 4, lambdaMemoryMb: 256, athenaBytesScanned: 9 });
    expect(addUsage(emptyUsage(), a)).toEqual(a);
    expect(addUsage(a, emptyUsage())).toEqual(a);
  });
});
