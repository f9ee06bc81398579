import { z } from 'zod';
import {
  batchRef,
  campaign,
  categorySource,
  customerValueOutput,
  fileAccount,
  planSummary,
  rejection,
  responseBasis,
  runId,
  segmentProfile,
  trigger,
} from './run-state';

/** AWS usage one stage caused, measured where it happens (SDK calls, query statistics, Lambda time). */
export const usage = z.object({
  lambdaInvocations: z.number().int().nonnegative(),
  lambdaMs: z.number().nonnegative(),
  lambdaMemoryMb: z.number().nonnegative(),
  s3Requests: z.object({
    get: z.number().int(),
    put: z.number().int(),
    list: z.number().int(),
    other: z.number().int(),
  }),
  s3BytesWritten: z.number().nonnegative(),
  athenaQueries: z.number().int().nonnegative(),
  athenaBytesScanned: z.number().nonnegative(),
  dynamodbWriteUnits: z.number().nonnegative(),
  dynamodbReadUnits: z.number().nonnegative(),
});
export type Usage = z.infer<typeof usage>;

export function emptyUsage(): Usage {
  return {
    lambdaInvocations: 0,
    lambdaMs: 0,
    lambdaMemoryMb: 0,
    s3Requests: { get: 0, put: 0, list: 0, other: 0 },
    s3BytesWritten: 0,
    athenaQueries: 0,
    athenaBytesScanned: 0,
    dynamodbWriteUnits: 0,
    dynamodbReadUnits: 0,
  };
}

export const stageRecord = z.object({
  status: z.enum(['SUCCEEDED', 'FAILED']),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  counts: z.record(z.string(), z.number()).default({}),
  usage,
});
export type StageRecord = z.infer<typeof stageRecord>;

export const RUN_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'DUPLICATE'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const failure = rejection.extend({ stage: z.string(), errorType: z.string() });
export type Failure = z.infer<typeof failure>;

export const runSummary = z.object({
  asOf: z.iso.date(),
  rows: z.object({ in: z.number().int(), accepted: z.number().int(), rejected: z.number().int() }),
  segments: z.array(segmentProfile),
  plan: planSummary,
  model: z.object({
    backend: z.string(),
    holdoutAuc: z.number().nullable(),
    holdoutQini: z.number().nullable(),
    /** Whether uplift was measured against a control group or assumed; absent on older runs. */
    responseBasis: responseBasis.optional(),
  }),
  /** The churn, value and lifetime models' figures; absent on runs from before them. */
  customerModels: customerValueOutput.optional(),
  /** Whose categories the category-share features are: the response champion's or this batch's top. */
  featureCategories: categorySource.optional(),
  runCost: z.number(),
  currency: z.string(),
});
export type RunSummary = z.infer<typeof runSummary>;

/** What `GET /runs/{runId}` shows: the run's status, what went in, how long each stage took and why it failed. */
export const runRecord = z.object({
  runId,
  status: z.enum(RUN_STATUSES),
  trigger,
  batch: batchRef,
  campaign,
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
  duplicateOf: runId.optional(),
  stages: z.record(z.string(), stageRecord).default({}),
  files: z.array(fileAccount).default([]),
  failure: failure.optional(),
  summary: runSummary.optional(),
});
export type RunRecord = z.infer<typeof runRecord>;
