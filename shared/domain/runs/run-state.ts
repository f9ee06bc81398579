import { z } from 'zod';
import { DATASET_NAMES, type DatasetName } from '../contracts/datasets';
import { keySegment } from '../contracts/manifest';

/**
 * The Step Functions payload of a campaign run. It carries references and counts, never data:
 * AWS caps a state at 256 KB, so anything sized by customers lives in S3 and is named here.
 */

export const s3Ref = z.object({ bucket: z.string().min(1), key: z.string().min(1) });
export type S3Ref = z.infer<typeof s3Ref>;

export const STAGES = ['validate', 'features', 'segment', 'score', 'allocate', 'publish'] as const;
export type StageName = (typeof STAGES)[number];

export const runId = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9_-]+$/, 'a run id has letters, digits, dash or underscore');

export const trigger = z.discriminatedUnion('source', [
  z.object({ source: z.literal('s3') }),
  z.object({ source: z.literal('api'), requestedBy: z.string().min(1) }),
  z.object({
    source: z.literal('schedule'),
    scheduleName: z.string().min(1),
    scheduledAt: z.string().min(1),
  }),
]);
export type Trigger = z.infer<typeof trigger>;

export const batchRef = z.object({
  bucket: z.string().min(1),
  manifestKey: z.string().min(1),
  /** Object version (or ETag where versioning is off) of the manifest the run started with. */
  manifestVersion: z.string().min(1),
  partner: keySegment,
  batchId: keySegment,
});
export type BatchRef = z.infer<typeof batchRef>;

export const campaign = z.object({
  budget: z.number().positive(),
  holdoutFraction: z.number().min(0).max(0.5),
  sendDate: z.iso.date(),
  seed: z.number().int(),
  /** Currency of the batch's prices and of the budget, ISO 4217. */
  currency: z.string().length(3),
  // Contact policy: cool-down, frequency cap and a minimum return per contact; absent = none.
  /** Days since the last contact before a customer may be contacted again (fatigue). */
  coolDownDays: z.number().int().min(0).optional(),
  /** Most contacts a customer may have had in the last 30 days to be contacted again. */
  maxContacts30: z.number().int().min(0).optional(),
  /** Least expected incremental profit per unit of spend for a contact to be sent at all. */
  minRoi: z.number().optional(),
  /**
   * The share of a contact's responses it causes, assumed only when the history has no randomized
   * control group (see `DEFAULT_PRIOR_UPLIFT_SHARE` for the default and why).
   */
  priorUpliftShare: z.number().gt(0).lt(1).optional(),
  /**
   * An optional parity constraint: every group of the attribute gets offers at no less than
   * `minRatio` × the best-served group's rate. Absent, the plan only reports fairness.
   */
  parity: z
    .object({
      attribute: z.enum(['gender', 'age_band', 'region']),
      minRatio: z.number().gt(0).max(1),
    })
    .optional(),
});
export type Campaign = z.infer<typeof campaign>;

/** How many rows of a file one rule refused (or flagged) on one column, and the first line it hit. */
export const exceptionCount = z.object({
  rule: z.string(),
  column: z.string(),
  outcome: z.enum(['rejected', 'flagged']),
  rows: z.number().int().positive(),
  firstLine: z.number().int().positive(),
});
export type ExceptionCount = z.infer<typeof exceptionCount>;

export const fileAccount = z.object({
  dataset: z.enum(DATASET_NAMES as [DatasetName, ...DatasetName[]]),
  key: z.string(),
  rowsIn: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  quarantine: s3Ref.optional(),
  /** Source columns nothing reads: kept out of curated data and reported here. */
  unknownColumns: z.array(z.string()).optional(),
  /** Of those, the ones that look like personal data: dropped, never stored, named so the partner knows. */
  personalColumns: z.array(z.string()).optional(),
  /** Accepted rows that a cross-file rule flags for a look (e.g. a return without a purchase). */
  flagged: z.number().int().nonnegative().optional(),
  /** The flagged rows, one JSON line each, when there were any. */
  flags: s3Ref.optional(),
  /** Rejected and flagged rows counted by rule and column, most frequent first. */
  exceptions: z.array(exceptionCount).optional(),
});
export type FileAccount = z.infer<typeof fileAccount>;

/** Where and why input was refused, precise enough for a partner to fix the file. */
export const rejection = z.object({
  file: z.string(),
  line: z.number().int().positive().optional(),
  column: z.string().optional(),
  rule: z.string(),
  message: z.string(),
});
export type Rejection = z.infer<typeof rejection>;

export const validateOutput = z.object({
  status: z.enum(['ACCEPTED', 'REJECTED']),
  asOf: z.iso.date().optional(),
  files: z.array(fileAccount),
  rejection: rejection.optional(),
  /** The batch's data-quality report (JSON; the page a person reads sits beside it as report.html). */
  qualityReport: s3Ref.optional(),
});
export type ValidateOutput = z.infer<typeof validateOutput>;

export const queryRecord = z.object({
  name: z.string(),
  queryExecutionId: z.string(),
  bytesScanned: z.number().nonnegative(),
  engineMs: z.number().nonnegative(),
});
export type QueryRecord = z.infer<typeof queryRecord>;

/** Where a run's category-share features' categories came from (see feature-categories.ts). */
export const categorySource = z.discriminatedUnion('source', [
  z.object({ source: z.literal('champion'), champion: z.string() }),
  z.object({ source: z.literal('batch'), reason: z.string() }),
]);

export const featuresOutput = z.object({
  scoringFeatures: s3Ref,
  trainingSet: s3Ref,
  /** Customers' features at earlier cut-offs with their churn and value labels (customer-snapshots.sql). */
  snapshots: s3Ref.optional(),
  snapshotCutOffs: z.array(z.iso.date()).optional(),
  /** Where the category-share features' categories came from (see feature-categories.ts). */
  categories: categorySource.optional(),
  catalog: s3Ref,
  customers: z.number().int().nonnegative(),
  trainingRows: z.number().int().nonnegative(),
  queries: z.array(queryRecord),
});
export type FeaturesOutput = z.infer<typeof featuresOutput>;

export const segmentProfile = z.object({
  segmentId: z.number().int().nonnegative(),
  name: z.string(),
  customers: z.number().int().nonnegative(),
  revenueShare: z.number(),
  meanRecencyDays: z.number(),
  meanFrequency: z.number(),
  meanMonetary: z.number(),
  /** Lifecycle flags of the feature store: how many of the segment's customers carry each. */
  inactiveCustomers: z.number().int().nonnegative().default(0),
  otcOnlyCustomers: z.number().int().nonnegative().default(0),
  highValueCustomers: z.number().int().nonnegative().default(0),
  /** Means of a fixed list of feature-store columns (PROFILE_FEATURES), over the customers with a value. */
  meanFeatures: z.record(z.string(), z.number()).default({}),
  /** Up to three categories with the highest mean share of the segment's spend, largest first. */
  topCategories: z
    .array(z.object({ category: z.string(), share: z.number() }))
    .max(3)
    .default([]),
  /** Mean of the segment's per-channel response rates; null when none of its customers was contacted. */
  responseRate: z.number().nullable().default(null),
});
export type SegmentProfile = z.infer<typeof segmentProfile>;

export const segmentOutput = z.object({
  segments: s3Ref,
  k: z.number().int().positive(),
  silhouette: z.number(),
  profiles: z.array(segmentProfile),
  /**
   * The run whose segment centroids this run's ids were matched to, so that a segment id means the
   * same customers from run to run; null when ids were numbered afresh. Optional because payloads
   * from before stable ids lack it.
   */
  idsMatchedTo: z.string().nullable().optional(),
  /** Why ids were numbered afresh or which changed (new, retired), for whoever compares runs. */
  idsNote: z.string().optional(),
});
export type SegmentOutput = z.infer<typeof segmentOutput>;

export const arm = z.object({ armId: z.string(), offerId: z.string(), channelId: z.string() });
export type Arm = z.infer<typeof arm>;

/** An offer on a channel at one discount level, scored by model head `arm` (1-based; 0 = control). */
export const scoredAction = z.object({
  actionId: z.string(),
  offerId: z.string(),
  channelId: z.string(),
  discountPct: z.number(),
  arm: z.number().int().positive(),
});

/** Which version of a model scored the run, and why (the registry's champion decision). */
const modelChoice = z.object({
  /** The version that scored: this run's, or the champion it did not beat (the champion after this run). */
  version: z.string(),
  /** Whether this run's model became (or stayed) the champion. */
  champion: z.boolean(),
  reason: z.string(),
  /** The metric compared; both models are measured on this run's held-out rows. */
  metric: z.string(),
  challengerMetric: z.number().nullable(),
  /** null when there was no champion, or none that could score this batch. */
  championMetric: z.number().nullable(),
});

/** The churn, value and lifetime models the score stage fits beside the response model. */
export const customerValueOutput = z.object({
  /** customer-value.csv: one row per scored customer, empty cells for a model that was skipped. */
  file: s3Ref,
  customers: z.number().int().nonnegative(),
  /** Out-of-fold figures on the sampled snapshot rows it trained on; null when skipped. */
  churn: z
    .object({
      trainRows: z.number().int(),
      churnRate: z.number(),
      outOfFoldAuc: z.number().nullable(),
      brier: z.number().nullable(),
      calibrationError: z.number().nullable(),
      threshold: z.number(),
      /** Absent on payloads from before the registry kept these models. */
      registry: modelChoice.optional(),
    })
    .nullable(),
  value: z
    .object({
      trainRows: z.number().int(),
      r2: z.number().nullable(),
      spearman: z.number().nullable(),
      topDecileCapture: z.number().nullable(),
      registry: modelChoice.optional(),
    })
    .nullable(),
  /** BG/NBD (weeks) and Gamma-Gamma parameters fitted on the customers' histories at the cut-off. */
  lifetime: z
    .object({
      customers: z.number().int(),
      r: z.number(),
      alpha: z.number(),
      a: z.number(),
      b: z.number(),
      spend: z
        .object({ customers: z.number().int(), p: z.number(), q: z.number(), v: z.number() })
        .nullable(),
      registry: modelChoice.optional(),
    })
    .nullable(),
  /** Why a model did not run, so the report can say so instead of showing nothing. */
  skipped: z.array(z.object({ model: z.enum(['churn', 'value', 'lifetime']), reason: z.string() })),
  trainingMs: z.number().nonnegative(),
});
export type CustomerValueOutput = z.infer<typeof customerValueOutput>;

/** Where the scores' uplift comes from, so that every report can say how far to trust it. */
export const responseBasis = z.discriminatedUnion('kind', [
  /** P(response | action) − P(response | control), both learned from the randomized history. */
  z.object({ kind: z.literal('randomized'), controlContacts: z.number().int().positive() }),
  /** No control group in the history: propensity learned from treated contacts × a prior uplift share. */
  z.object({ kind: z.literal('propensity-prior'), priorUpliftShare: z.number(), reason: z.string() }),
  /**
   * No control group in this batch's history, but the partner's response champion, learned from
   * an earlier randomized history, reads this batch: its measured uplift scores.
   */
  z.object({ kind: z.literal('randomized-champion'), champion: z.string(), reason: z.string() }),
]);
export type ResponseBasis = z.infer<typeof responseBasis>;

export const scoreOutput = z.object({
  scores: s3Ref,
  /** The model that scored the customers: this run's, or the champion it did not beat. */
  modelPrefix: s3Ref,
  /** The model's heads. */
  arms: z.array(arm),
  /** The scores file's columns after p_control: p_action_1 … p_action_n, in this order. */
  actions: z.array(scoredAction),
  backend: z.string(),
  /** Absent on payloads from before the fallback, which were all randomized. */
  responseBasis: responseBasis.optional(),
  /**
   * Metrics of the model that scored, on this run's holdout (trainRows: the rows it was trained on);
   * null where undefined (e.g. no responders in the holdout).
   */
  metrics: z.object({
    trainRows: z.number().int(),
    holdoutRows: z.number().int(),
    holdoutAuc: z.number().nullable(),
    holdoutQini: z.number().nullable(),
    holdoutLogLoss: z.number().nullable(),
  }),
  /** The inputs that move the scoring model's uplift most (permutation importance on the holdout), top first. */
  importance: z.array(z.object({ feature: z.string(), importance: z.number() })).optional(),
  /**
   * The scoring model's uplift slope on this run's holdout, and the factor every uplift in the scores
   * was scaled by (see `uplift-slope.ts`). Absent without a control group, and on older payloads.
   */
  upliftSlope: z
    .object({
      measured: z.number().nullable(),
      standardError: z.number().nullable(),
      applied: z.number(),
      treatedRows: z.number().int(),
    })
    .optional(),
  /** Churn, value and lifetime scores; optional because payloads from before these models lack them. */
  customerValue: customerValueOutput.optional(),
  /** The champion decision. Optional because payloads from before the model registry lack it. */
  model: modelChoice
    .extend({
      /** The champion before this run, if any. */
      previousChampion: z.string().nullable(),
    })
    .optional(),
});
export type ScoreOutput = z.infer<typeof scoreOutput>;

export const planSummary = z.object({
  eligibleCustomers: z.number().int().nonnegative(),
  targetedCustomers: z.number().int().nonnegative(),
  holdoutCustomers: z.number().int().nonnegative(),
  /** Customers and spend per action sent (offer, channel and discount level). */
  byArm: z.array(
    z.object({
      offerId: z.string(),
      channelId: z.string(),
      discountPct: z.number().optional(),
      customers: z.number().int(),
      spend: z.number(),
    }),
  ),
  budget: z.number(),
  spend: z.number(),
  contactCost: z.number(),
  expectedDiscountCost: z.number(),
  expectedIncrementalConversions: z.number(),
  expectedIncrementalRevenue: z.number(),
  expectedIncrementalProfit: z.number(),
  certificate: z.object({ primal: z.number(), dualBound: z.number(), gap: z.number(), lambda: z.number() }),
  /** Budget curve headline; the whole curve is in the analysis file. */
  budgetCurve: z
    .object({
      marginalProfitPerEuro: z.number(),
      saturationBudget: z.number(),
      kneeBudget: z.number(),
      maxProfit: z.number(),
    })
    .optional(),
  /** The run's figures for the baselines and the plan, on the run's own estimates. */
  comparison: z
    .array(
      z.object({
        strategy: z.string(),
        customers: z.number().int(),
        spend: z.number(),
        expectedIncrementalProfit: z.number(),
      }),
    )
    .optional(),
  /** Budget curve, comparison, fairness and off-policy estimates (JSON), and the page with charts. */
  analysis: s3Ref.optional(),
  report: s3Ref.optional(),
  decisionLog: s3Ref.optional(),
  /** One file per channel the plan sends on. */
  exports: z.array(z.object({ channelId: z.string(), file: s3Ref, recipients: z.number().int() })).optional(),
});
export type PlanSummary = z.infer<typeof planSummary>;

export const allocateOutput = z.object({ plan: s3Ref, summary: planSummary });
export type AllocateOutput = z.infer<typeof allocateOutput>;

export const publishOutput = z.object({
  recommendations: z.number().int().nonnegative(),
  costReport: s3Ref,
});
export type PublishOutput = z.infer<typeof publishOutput>;

export const stageOutputs = {
  validate: validateOutput,
  features: featuresOutput,
  segment: segmentOutput,
  score: scoreOutput,
  allocate: allocateOutput,
  publish: publishOutput,
} as const satisfies Record<StageName, z.ZodType>;

export type StageOutputs = { [S in StageName]: z.infer<(typeof stageOutputs)[S]> };

/** Step Functions' Catch output: Lambda errors carry a JSON Cause, States.* errors plain text. */
export const caughtError = z.object({ Error: z.string(), Cause: z.string().optional() });

export const runState = z.object({
  runId,
  trigger,
  batch: batchRef,
  campaign,
  startedAt: z.iso.datetime(),
  duplicateOf: runId.optional(),
  stages: z
    .object({
      validate: validateOutput.optional(),
      features: featuresOutput.optional(),
      segment: segmentOutput.optional(),
      score: scoreOutput.optional(),
      allocate: allocateOutput.optional(),
      publish: publishOutput.optional(),
    })
    .default({}),
  error: caughtError.optional(),
});
export type RunState = z.infer<typeof runState>;
