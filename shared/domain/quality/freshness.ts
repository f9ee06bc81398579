import { z } from 'zod';
import { DAY_MILLIS, dayOfIsoDate } from '../calendar';
import type { DatasetProfile } from './profile-schema';

/**
 * How recent each dataset's data is, from its profile: the latest value of the column that says
 * when a row happened, against the batch's as-of date (the data cut-off) and the time it arrived.
 */

/** The column that dates a row, per dataset that has one. */
export const FRESHNESS_COLUMNS: Readonly<Record<string, string>> = {
  transactions: 'ts',
  contacts: 'sent_at',
  responses: 'converted_at',
  customers: 'signup_date',
};

/**
 * Days the latest value may lie before as-of. Transactions flow daily, so a week without any is a
 * feed that stopped; sign-ups trickle in, so a month without is odd; campaigns (and with them
 * conversions) may be months apart — the demo's last one is 60 days before as-of — so a quarter.
 */
export const STALE_AFTER_DAYS: Readonly<Record<string, number>> = {
  transactions: 7,
  customers: 30,
  contacts: 90,
  responses: 90,
};
const FALLBACK_STALE_AFTER_DAYS = 7;

export const freshnessVerdict = z.enum(['fresh', 'stale', 'after_cutoff', 'empty']);
export type FreshnessVerdict = z.infer<typeof freshnessVerdict>;

export const datasetFreshness = z.object({
  dataset: z.string(),
  column: z.string(),
  /** As the profile shows it: a date, or a zone-less timestamp. */
  latest: z.string().nullable(),
  /** Calendar days from the latest value's day to as-of; negative when it is later. */
  daysBeforeAsOf: z.number().int().nullable(),
  /** Calendar days from the latest value's day to the (UTC) day the batch arrived. */
  daysBeforeReceipt: z.number().int().nullable(),
  staleAfterDays: z.number().nonnegative(),
  verdict: freshnessVerdict,
});
export type DatasetFreshness = z.infer<typeof datasetFreshness>;

export interface FreshnessOptions {
  /** Dataset → column; defaults to FRESHNESS_COLUMNS. */
  readonly columns?: Readonly<Record<string, string>>;
  /** One threshold for all datasets, or per dataset over STALE_AFTER_DAYS. */
  readonly staleAfterDays?: number | Readonly<Record<string, number>>;
}

function thresholdFor(dataset: string, option: FreshnessOptions['staleAfterDays']): number {
  if (typeof option === 'number') return option;
  return option?.[dataset] ?? STALE_AFTER_DAYS[dataset] ?? FALLBACK_STALE_AFTER_DAYS;
}

/**
 * Freshness of every profiled dataset that has a dating column. Data on or after the as-of day is
 * flagged, not counted as fresh: features only read rows before the cut-off, so such a batch was
 * either given the wrong as-of or holds rows that will be ignored.
 */
export function freshness(
  profiles: readonly DatasetProfile[],
  asOf: string,
  receivedAt: Date,
  options: FreshnessOptions = {},
): DatasetFreshness[] {
  const asOfDay = dayOfIsoDate(asOf);
  if (Number.isNaN(asOfDay)) throw new RangeError(`asOf must be a date as YYYY-MM-DD, got ${asOf}`);
  const received = receivedAt.getTime();
  if (Number.isNaN(received)) throw new RangeError('receivedAt is not a valid date');
  const receivedDay = Math.floor(received / DAY_MILLIS);
  const columns = options.columns ?? FRESHNESS_COLUMNS;

  const out: DatasetFreshness[] = [];
  for (const profile of profiles) {
    const name = columns[profile.dataset];
    const column = profile.columns.find((c) => c.name === name);
    if (name === undefined || column?.kind !== 'temporal') continue;
    const staleAfterDays = thresholdFor(profile.dataset, options.staleAfterDays);
    const max = column.numeric.max;
    if (max === null) {
      out.push({
        dataset: profile.dataset,
        column: name,
        latest: null,
        daysBeforeAsOf: null,
        daysBeforeReceipt: null,
        staleAfterDays,
        verdict: 'empty',
      });
      continue;
    }
    const latestDay = Math.floor(max);
    const daysBeforeAsOf = asOfDay - latestDay;
    const verdict: FreshnessVerdict =
      daysBeforeAsOf <= 0 ? 'after_cutoff' : daysBeforeAsOf > staleAfterDays ? 'stale' : 'fresh';
    out.push({
      dataset: profile.dataset,
      column: name,
      latest: column.temporal.max,
      daysBeforeAsOf,
      daysBeforeReceipt: receivedDay - latestDay,
      staleAfterDays,
      verdict,
    });
  }
  return out;
}
