import { z } from 'zod';
import { emptyUsage, type StageRecord, type Usage } from '../runs/run-record';
import type { PlanSummary } from '../runs/run-state';
import type { PriceTable } from './price-table';

export const costLine = z.object({
  service: z.string(),
  item: z.string(),
  quantity: z.number(),
  unit: z.string(),
  unitPrice: z.number(),
  cost: z.number(),
  /** `measured` from the run's own calls; `estimated` where the figure is derived. */
  basis: z.enum(['measured', 'estimated']),
});
export type CostLine = z.infer<typeof costLine>;

export const costReport = z.object({
  runId: z.string(),
  generatedAt: z.iso.datetime(),
  aws: z.object({
    currency: z.string(),
    priceTable: z.object({ region: z.string(), effectiveDate: z.string(), source: z.string() }),
    lines: z.array(costLine),
    byStage: z.array(z.object({ stage: z.string(), durationMs: z.number(), cost: z.number() })),
    total: z.number(),
  }),
  campaign: z.object({
    currency: z.string(),
    budget: z.number(),
    spend: z.number(),
    contactCost: z.number(),
    expectedDiscountCost: z.number(),
    customersTargeted: z.number(),
  }),
  expectedReturn: z.object({
    currency: z.string(),
    incrementalConversions: z.number(),
    incrementalRevenue: z.number(),
    incrementalProfit: z.number(),
    roi: z.number().nullable(),
  }),
});
export type CostReport = z.infer<typeof costReport>;

const GB = 1024 ** 3;
const TB = 1024 ** 4;

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    lambdaInvocations: a.lambdaInvocations + b.lambdaInvocations,
    lambdaMs: a.lambdaMs + b.lambdaMs,
    lambdaMemoryMb: Math.max(a.lambdaMemoryMb, b.lambdaMemoryMb),
    s3Requests: {
      get: a.s3Requests.get + b.s3Requests.get,
      put: a.s3Requests.put + b.s3Requests.put,
      list: a.s3Requests.list + b.s3Requests.list,
      other: a.s3Requests.other + b.s3Requests.other,
    },
    s3BytesWritten: a.s3BytesWritten + b.s3BytesWritten,
    athenaQueries: a.athenaQueries + b.athenaQueries,
    athenaBytesScanned: a.athenaBytesScanned + b.athenaBytesScanned,
    dynamodbWriteUnits: a.dynamodbWriteUnits + b.dynamodbWriteUnits,
    dynamodbReadUnits: a.dynamodbReadUnits + b.dynamodbReadUnits,
  };
}

function lambdaCost(u: Usage, p: PriceTable): number {
  return (
    (u.lambdaMs / 1000) * (u.lambdaMemoryMb / 1024) * p.lambda.perGbSecond +
    (u.lambdaInvocations / 1e6) * p.lambda.perMillionRequests
  );
}

function line(
  service: string,
  item: string,
  quantity: number,
  unit: string,
  unitPrice: number,
  basis: CostLine['basis'],
  perUnits = 1,
): CostLine {
  return { service, item, quantity, unit, unitPrice, cost: (quantity / perUnits) * unitPrice, basis };
}

/**
 * Prices what a run used and sets it beside what the campaign spends and is expected to return.
 * Lambda time is priced per stage at its configured memory, the way AWS bills it; Athena queries
 * are billed at least the per-query minimum. Step Functions transitions are counted from the
 * stages that ran plus the machine's fixed control states.
 */
export function buildCostReport(input: {
  runId: string;
  stages: Readonly<Record<string, StageRecord>>;
  plan: PlanSummary;
  prices: PriceTable;
  campaignCurrency: string;
  controlStateTransitions: number;
  now: Date;
}): CostReport {
  const { prices: p } = input;
  const stages = Object.entries(input.stages);
  const total = stages.reduce((sum, [, s]) => addUsage(sum, s.usage), emptyUsage());
  const gbSeconds = stages.reduce(
    (sum, [, s]) => sum + (s.usage.lambdaMs / 1000) * (s.usage.lambdaMemoryMb / 1024),
    0,
  );
  const billedAthenaBytes = stages.reduce(
    (sum, [, s]) =>
      sum + Math.max(s.usage.athenaBytesScanned, s.usage.athenaQueries * p.athena.minimumBytesPerQuery),
    0,
  );
  const transitions = total.lambdaInvocations + input.controlStateTransitions;
  const lines: CostLine[] = [
    line('Lambda', 'compute', gbSeconds, 'GB-second', p.lambda.perGbSecond, 'measured'),
    line(
      'Lambda',
      'requests',
      total.lambdaInvocations,
      'request',
      p.lambda.perMillionRequests,
      'measured',
      1e6,
    ),
    line(
      'Step Functions',
      'state transitions',
      transitions,
      'transition',
      p.stepFunctions.perThousandTransitions,
      'estimated',
      1000,
    ),
    line(
      'Athena',
      'data scanned (billed, 10 MB minimum per query)',
      billedAthenaBytes / TB,
      'TB',
      p.athena.perTerabyteScanned,
      'measured',
    ),
    line(
      'S3',
      'PUT, COPY, POST and LIST requests',
      total.s3Requests.put + total.s3Requests.list,
      'request',
      p.s3.perThousandPutRequests,
      'measured',
      1000,
    ),
    line(
      'S3',
      'GET and other requests',
      total.s3Requests.get + total.s3Requests.other,
      'request',
      p.s3.perThousandGetRequests,
      'measured',
      1000,
    ),
    line(
      'S3',
      'storage of what the run wrote, one month',
      total.s3BytesWritten / GB,
      'GB-month',
      p.s3.perGbMonth,
      'estimated',
    ),
    line(
      'DynamoDB',
      'write request units',
      total.dynamodbWriteUnits,
      'WRU',
      p.dynamodb.perMillionWriteUnits,
      'measured',
      1e6,
    ),
    line(
      'DynamoDB',
      'read request units',
      total.dynamodbReadUnits,
      'RRU',
      p.dynamodb.perMillionReadUnits,
      'measured',
      1e6,
    ),
  ];
  const awsTotal = lines.reduce((s, l) => s + l.cost, 0);
  const plan = input.plan;
  return {
    runId: input.runId,
    generatedAt: input.now.toISOString(),
    aws: {
      currency: p.currency,
      priceTable: { region: p.region, effectiveDate: p.effectiveDate, source: p.source },
      lines,
      byStage: stages.map(([stage, s]) => ({
        stage,
        durationMs: s.durationMs,
        cost:
          lambdaCost(s.usage, p) +
          (Math.max(s.usage.athenaBytesScanned, s.usage.athenaQueries * p.athena.minimumBytesPerQuery) / TB) *
            p.athena.perTerabyteScanned,
      })),
      total: awsTotal,
    },
    campaign: {
      currency: input.campaignCurrency,
      budget: plan.budget,
      spend: plan.spend,
      contactCost: plan.contactCost,
      expectedDiscountCost: plan.expectedDiscountCost,
      customersTargeted: plan.targetedCustomers,
    },
    expectedReturn: {
      currency: input.campaignCurrency,
      incrementalConversions: plan.expectedIncrementalConversions,
      incrementalRevenue: plan.expectedIncrementalRevenue,
      incrementalProfit: plan.expectedIncrementalProfit,
      roi: plan.spend > 0 ? plan.expectedIncrementalProfit / plan.spend : null,
    },
  };
}
