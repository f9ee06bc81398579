import { z } from 'zod';
import { dayOfIsoDate } from '../calendar';
import { exceptionCount, type FileAccount } from '../runs/run-state';
import { columnDrift, driftBetween } from './drift';
import { datasetFreshness, type FreshnessOptions, freshness } from './freshness';
import { type DatasetProfile, datasetProfile } from './profile-schema';
import { summarise } from './summary';

/**
 * What a person needs to trust (or question) a batch: per file how many rows got in, per dataset
 * what the accepted rows look like, how that moved since an earlier run, how recent the data is,
 * and a few sentences on what stands out.
 */

const share = z.number().min(0).max(1);

export const fileQuality = z.object({
  dataset: z.string(),
  key: z.string(),
  rowsIn: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  /** rejected / rowsIn; 0 for an empty file. */
  rejectionRate: share,
  /** Object key of the refused rows, when there were any. */
  quarantineKey: z.string().nullable(),
  /** Accepted rows a cross-file rule flagged for a look. */
  flagged: z.number().int().nonnegative(),
  /** Object key of the flagged rows, when there were any. */
  flagsKey: z.string().nullable(),
  /** Rejected and flagged rows by rule and column, most frequent first. */
  exceptions: z.array(exceptionCount),
});
export type FileQuality = z.infer<typeof fileQuality>;

export const qualityThresholds = z.object({
  /** A column more empty than this is mentioned. */
  nullRate: share,
  /** A column whose null rate rose by more than this since the reference is mentioned. */
  nullRateIncrease: share,
  /** A file refusing more than this share of its rows is mentioned. */
  rejectionRate: share,
});
export type QualityThresholds = z.infer<typeof qualityThresholds>;

export const DEFAULT_QUALITY_THRESHOLDS: QualityThresholds = {
  nullRate: 0.5,
  nullRateIncrease: 0.1,
  rejectionRate: 0.05,
};

export const batchQualityReport = z.object({
  runId: z.string(),
  partner: z.string(),
  batchId: z.string(),
  generatedAt: z.iso.datetime(),
  asOf: z.iso.date(),
  receivedAt: z.iso.datetime(),
  files: z.array(fileQuality),
  datasets: z.array(datasetProfile),
  drift: z
    .object({
      againstRunId: z.string(),
      /** The reference's as-of; its dates were moved by the gap to this batch's before binning. */
      againstAsOf: z.iso.date().nullable(),
      columns: z.array(columnDrift),
    })
    .nullable(),
  freshness: z.array(datasetFreshness),
  thresholds: qualityThresholds,
  summary: z.array(z.string()),
});
export type BatchQualityReport = z.infer<typeof batchQualityReport>;

export type FileAccountLike = Pick<
  FileAccount,
  'key' | 'rowsIn' | 'accepted' | 'rejected' | 'quarantine' | 'flagged' | 'flags' | 'exceptions'
> & {
  readonly dataset: string;
};

export interface BatchQualityInput {
  readonly runId: string;
  readonly partner: string;
  readonly batchId: string;
  readonly asOf: string;
  readonly receivedAt: Date;
  /** Passed in rather than read from a clock, so the same input gives the same report. */
  readonly generatedAt: Date;
  readonly files: readonly FileAccountLike[];
  readonly profiles: readonly DatasetProfile[];
  /**
   * The run to measure drift against, usually the partner's previous accepted run. With its as-of,
   * dates are compared relative to each batch's as-of (see DriftOptions); without, as they are.
   */
  readonly reference?: {
    readonly runId: string;
    readonly asOf?: string;
    readonly datasets: readonly DatasetProfile[];
  } | null;
  readonly thresholds?: Partial<QualityThresholds>;
  readonly freshness?: FreshnessOptions;
}

export function fileQualityOf(account: FileAccountLike): FileQuality {
  return {
    dataset: account.dataset,
    key: account.key,
    rowsIn: account.rowsIn,
    accepted: account.accepted,
    rejected: account.rejected,
    rejectionRate: account.rowsIn === 0 ? 0 : Math.min(1, account.rejected / account.rowsIn),
    quarantineKey: account.quarantine?.key ?? null,
    flagged: account.flagged ?? 0,
    flagsKey: account.flags?.key ?? null,
    exceptions: [...(account.exceptions ?? [])],
  };
}

function driftAgainst(
  reference: NonNullable<BatchQualityInput['reference']>,
  asOf: string,
  datasets: readonly DatasetProfile[],
): NonNullable<BatchQualityReport['drift']> {
  const againstAsOf = reference.asOf ?? null;
  let shiftDays = 0;
  if (againstAsOf !== null) {
    shiftDays = dayOfIsoDate(asOf) - dayOfIsoDate(againstAsOf);
    if (Number.isNaN(shiftDays))
      throw new RangeError(`as-of dates must be YYYY-MM-DD: ${againstAsOf}, ${asOf}`);
  }
  return {
    againstRunId: reference.runId,
    againstAsOf,
    columns: driftBetween(reference.datasets, datasets, { shiftDays }),
  };
}

export function buildBatchQualityReport(input: BatchQualityInput): BatchQualityReport {
  const thresholds = { ...DEFAULT_QUALITY_THRESHOLDS, ...input.thresholds };
  const files = input.files.map(fileQualityOf);
  const datasets = [...input.profiles];
  const drift = input.reference ? driftAgainst(input.reference, input.asOf, datasets) : null;
  const fresh = freshness(datasets, input.asOf, input.receivedAt, input.freshness);
  return {
    runId: input.runId,
    partner: input.partner,
    batchId: input.batchId,
    generatedAt: input.generatedAt.toISOString(),
    asOf: input.asOf,
    receivedAt: input.receivedAt.toISOString(),
    files,
    datasets,
    drift,
    freshness: fresh,
    thresholds,
    summary: summarise({ asOf: input.asOf, files, datasets, drift, freshness: fresh, thresholds }),
  };
}
