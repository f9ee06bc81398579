import { z } from 'zod';
import type { StorageType } from '../contracts/column';

/**
 * The profile of one dataset of one batch: what the validate stage saw in its accepted rows.
 * It is kept with the run and compared against the next run's, so it stays small (a bounded
 * sample and bounded top-K whatever the row count) and plain JSON.
 */

const count = z.number().int().nonnegative();

export const STORAGE_TYPES = [
  'string',
  'int',
  'double',
  'boolean',
  'date',
  'timestamp',
] as const satisfies readonly StorageType[];
export const storageType = z.enum(STORAGE_TYPES);

export const COLUMN_KINDS = ['numeric', 'categorical', 'temporal'] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

export function kindOf(storage: StorageType): ColumnKind {
  switch (storage) {
    case 'int':
    case 'double':
      return 'numeric';
    case 'date':
    case 'timestamp':
      return 'temporal';
    default:
      return 'categorical';
  }
}

export const QUANTILE_LEVELS = {
  p01: 0.01,
  p05: 0.05,
  p25: 0.25,
  p50: 0.5,
  p75: 0.75,
  p95: 0.95,
  p99: 0.99,
} as const;
export type QuantileName = keyof typeof QUANTILE_LEVELS;

export const quantiles = z.object({
  p01: z.number(),
  p05: z.number(),
  p25: z.number(),
  p50: z.number(),
  p75: z.number(),
  p95: z.number(),
  p99: z.number(),
});
export type Quantiles = z.infer<typeof quantiles>;

/** Numbers, and dates and timestamps as (fractional) days since 1970-01-01. */
export const numericSummary = z.object({
  count,
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  /** Population standard deviation: the rows are the whole batch, not a sample of it. */
  std: z.number().nullable(),
  zeros: count,
  negatives: count,
  /** From the sample; exact when the sample holds every value. */
  quantiles: quantiles.nullable(),
  /**
   * A seeded uniform sample of the values, ascending: what drift is computed from. Doubles and
   * timestamps are rounded to 7 significant digits to keep the profile small.
   */
  sample: z.array(z.number()),
});
export type NumericSummary = z.infer<typeof numericSummary>;

export const valueCount = z.object({ value: z.string(), count });

export const categoricalSummary = z.object({
  /** Exact when `distinctExact`, otherwise the cap: there were more. */
  distinct: count,
  distinctExact: z.boolean(),
  /** Most frequent first; booleans as `true` / `false`. */
  top: z.array(valueCount),
  /** False past the distinct cap: the counts are then guaranteed lower bounds. */
  topExact: z.boolean(),
  /** Non-null values not counted in `top`. */
  other: count,
});
export type CategoricalSummary = z.infer<typeof categoricalSummary>;

export const monthCount = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/), count });

export const temporalSummary = z.object({
  /** `YYYY-MM-DD` for dates, zone-less `YYYY-MM-DDTHH:MM:SS[.sss]` for timestamps. */
  min: z.string().nullable(),
  max: z.string().nullable(),
  /** Months that have values, ascending; only the latest are kept. */
  months: z.array(monthCount),
  /** Values in months older than the ones listed. */
  earlier: count,
});
export type TemporalSummary = z.infer<typeof temporalSummary>;

const columnBase = {
  name: z.string(),
  storage: storageType,
  nulls: count,
  /** nulls / rows; 0 for an empty dataset. */
  nullRate: z.number().min(0).max(1),
  /** Values of the wrong type for the storage. Validated rows have none; counted, not thrown. */
  invalid: count,
};

export const numericColumnProfile = z.object({
  kind: z.literal('numeric'),
  ...columnBase,
  numeric: numericSummary,
});
export const categoricalColumnProfile = z.object({
  kind: z.literal('categorical'),
  ...columnBase,
  categorical: categoricalSummary,
});
export const temporalColumnProfile = z.object({
  kind: z.literal('temporal'),
  ...columnBase,
  numeric: numericSummary,
  temporal: temporalSummary,
});

export const columnProfile = z.discriminatedUnion('kind', [
  numericColumnProfile,
  categoricalColumnProfile,
  temporalColumnProfile,
]);
export type ColumnProfile = z.infer<typeof columnProfile>;

export const datasetProfile = z.object({
  dataset: z.string(),
  rows: count,
  sampling: z.object({
    seed: z.number().int(),
    sampleSize: z.number().int().positive(),
    topK: z.number().int().nonnegative(),
    distinctCap: z.number().int().positive(),
    monthCap: z.number().int().positive(),
  }),
  columns: z.array(columnProfile),
});
export type DatasetProfile = z.infer<typeof datasetProfile>;
