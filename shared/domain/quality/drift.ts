import { z } from 'zod';
import type { StorageType } from '../contracts/column';
import { formatValue } from './format';
import {
  type CategoricalSummary,
  COLUMN_KINDS,
  type ColumnProfile,
  type DatasetProfile,
  type NumericSummary,
} from './profile-schema';

/**
 * Drift between a run's profile and an earlier run's, as the population stability index:
 * PSI = Σ (cur% − ref%) × ln(cur% / ref%) over bins fixed by the reference. Nulls are left out of
 * the bins and reported as a null-rate change instead, so one does not mask the other.
 */

/** Stands in for an empty bin's share so ln() stays finite; a common choice for PSI. */
export const PSI_EPSILON = 1e-4;
/** The customary bounds: below 0.1 stable, up to 0.25 a moderate shift, above a significant one. */
export const PSI_THRESHOLDS = { moderate: 0.1, significant: 0.25 } as const;

export const driftVerdict = z.enum(['stable', 'moderate', 'significant']);
export type DriftVerdict = z.infer<typeof driftVerdict>;

export const driftStatus = z.enum([
  'compared',
  'missing_in_reference',
  'missing_in_current',
  'kind_changed',
  'no_data',
]);
export type DriftStatus = z.infer<typeof driftStatus>;

const share = z.number().min(0).max(1);

export const driftBin = z.object({
  kind: z.enum(['range', 'value', 'other']),
  label: z.string(),
  reference: share,
  current: share,
});
export type DriftBin = z.infer<typeof driftBin>;

export const columnDrift = z.object({
  dataset: z.string(),
  column: z.string(),
  kind: z.enum(COLUMN_KINDS).nullable(),
  status: driftStatus,
  psi: z.number().nonnegative().nullable(),
  verdict: driftVerdict.nullable(),
  bins: z.array(driftBin),
  nullRate: z.object({
    reference: share.nullable(),
    current: share.nullable(),
    /** current − reference. */
    change: z.number().nullable(),
  }),
});
export type ColumnDrift = z.infer<typeof columnDrift>;

export const driftReport = z.object({
  dataset: z.string(),
  referenceRows: z.number().int().nonnegative(),
  currentRows: z.number().int().nonnegative(),
  columns: z.array(columnDrift),
});
export type DriftReport = z.infer<typeof driftReport>;

export function psiOfShares(
  bins: readonly { readonly reference: number; readonly current: number }[],
  epsilon = PSI_EPSILON,
): number {
  let psi = 0;
  for (const bin of bins) {
    const ref = Math.max(bin.reference, epsilon);
    const cur = Math.max(bin.current, epsilon);
    psi += (cur - ref) * Math.log(cur / ref);
  }
  return psi;
}

export function psiVerdict(psi: number): DriftVerdict {
  if (psi > PSI_THRESHOLDS.significant) return 'significant';
  if (psi >= PSI_THRESHOLDS.moderate) return 'moderate';
  return 'stable';
}

/**
 * Decile cut points of an ascending sample, each a value of the sample, so every bin
 * (previous edge, edge] holds at least one reference value. Repeated values give one edge (their
 * bins merge), and the maximum is never an edge, so the open top bin is not empty either — except
 * for a constant sample, whose single edge leaves room above it to show a move away.
 */
export function decileEdges(sorted: ArrayLike<number>): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  const max = sorted[n - 1] as number;
  const edges: number[] = [];
  for (let k = 1; k <= 9; k++) {
    const edge = sorted[Math.ceil((k * n) / 10) - 1] as number;
    if (edge < max && (edges.length === 0 || edge > (edges[edges.length - 1] as number))) edges.push(edge);
  }
  return edges.length === 0 ? [max] : edges;
}

/** Index of the bin (previous edge, edge] holding `value`; edges.length for the open top bin. */
function binOf(edges: readonly number[], value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function shares(sample: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of sample) {
    const bin = binOf(edges, value);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts.map((c) => (sample.length === 0 ? 0 : c / sample.length));
}

/** `shiftDays` is added to the reference's values first (see DriftOptions). */
export function numericBins(
  reference: NumericSummary,
  current: NumericSummary,
  storage: StorageType,
  shiftDays = 0,
): DriftBin[] {
  const sample = shiftDays === 0 ? reference.sample : reference.sample.map((v) => v + shiftDays);
  const edges = decileEdges(sample);
  const ref = shares(sample, edges);
  const cur = shares(current.sample, edges);
  const text = (edge: number) => formatValue(edge, storage);
  return ref.map((r, i) => {
    const low = edges[i - 1];
    const high = edges[i];
    const label =
      low === undefined
        ? `≤ ${text(high as number)}`
        : high === undefined
          ? `> ${text(low)}`
          : `${text(low)} – ${text(high)}`;
    return { kind: 'range', label, reference: r, current: cur[i] ?? 0 };
  });
}

function nonNull(summary: CategoricalSummary): number {
  return summary.top.reduce((sum, v) => sum + v.count, summary.other);
}

/**
 * Bins on the reference's top values plus one for everything else. A current profile lists only
 * its own top values; a reference value missing from that list either does not occur (when the
 * current list is complete) or hides in the current's "other", and then it joins "other" on both
 * sides rather than being guessed.
 */
export function categoricalBins(reference: CategoricalSummary, current: CategoricalSummary): DriftBin[] {
  const refTotal = nonNull(reference);
  const curTotal = nonNull(current);
  const currentCounts = new Map(current.top.map((v) => [v.value, v.count]));
  const currentComplete = current.other === 0 && current.topExact;
  const bins: DriftBin[] = [];
  let refOther = reference.other;
  let curListed = 0;
  for (const { value, count } of reference.top) {
    const cur = currentCounts.get(value) ?? (currentComplete ? 0 : undefined);
    if (cur === undefined) {
      refOther += count;
      continue;
    }
    curListed += cur;
    bins.push({
      kind: 'value',
      label: value,
      reference: count / refTotal,
      current: curTotal === 0 ? 0 : cur / curTotal,
    });
  }
  const curOther = curTotal - curListed;
  if (refOther > 0 || curOther > 0) {
    bins.push({
      kind: 'other',
      label: 'other values',
      reference: refOther / refTotal,
      current: curTotal === 0 ? 0 : curOther / curTotal,
    });
  }
  return bins;
}

function valueCount(column: ColumnProfile): number {
  return column.kind === 'categorical' ? nonNull(column.categorical) : column.numeric.count;
}

export interface DriftOptions {
  /**
   * Days added to the reference's dates and timestamps before they are binned: the gap between
   * the two batches' as-of dates. A feed's history window moves with the calendar, and without
   * this every date column of the next month's batch would read as a significant shift.
   */
  readonly shiftDays?: number;
}

function compareColumn(
  dataset: string,
  reference: ColumnProfile,
  current: ColumnProfile,
  options: DriftOptions,
): ColumnDrift {
  const base = {
    dataset,
    column: current.name,
    kind: current.kind,
    nullRate: {
      reference: reference.nullRate,
      current: current.nullRate,
      change: current.nullRate - reference.nullRate,
    },
  };
  const unscored = { psi: null, verdict: null, bins: [] };
  if (reference.kind !== current.kind) return { ...base, status: 'kind_changed', ...unscored };
  if (valueCount(reference) === 0 || valueCount(current) === 0)
    return { ...base, status: 'no_data', ...unscored };
  const bins =
    reference.kind === 'categorical' && current.kind === 'categorical'
      ? categoricalBins(reference.categorical, current.categorical)
      : reference.kind !== 'categorical' && current.kind !== 'categorical'
        ? numericBins(
            reference.numeric,
            current.numeric,
            reference.storage,
            reference.kind === 'temporal' ? (options.shiftDays ?? 0) : 0,
          )
        : [];
  const psi = psiOfShares(bins);
  return { ...base, status: 'compared', psi, verdict: psiVerdict(psi), bins };
}

function oneSided(dataset: string, column: ColumnProfile, side: 'reference' | 'current'): ColumnDrift {
  return {
    dataset,
    column: column.name,
    kind: column.kind,
    status: side === 'reference' ? 'missing_in_current' : 'missing_in_reference',
    psi: null,
    verdict: null,
    bins: [],
    nullRate: {
      reference: side === 'reference' ? column.nullRate : null,
      current: side === 'current' ? column.nullRate : null,
      change: null,
    },
  };
}

/** Drift per column of one dataset; columns only one side has are listed with a status, not compared. */
export function populationStabilityIndex(
  reference: DatasetProfile,
  current: DatasetProfile,
  options: DriftOptions = {},
): DriftReport {
  const referenceColumns = new Map(reference.columns.map((c) => [c.name, c]));
  const currentNames = new Set(current.columns.map((c) => c.name));
  const columns = current.columns.map((column) => {
    const before = referenceColumns.get(column.name);
    return before
      ? compareColumn(current.dataset, before, column, options)
      : oneSided(current.dataset, column, 'current');
  });
  for (const column of reference.columns) {
    if (!currentNames.has(column.name)) columns.push(oneSided(current.dataset, column, 'reference'));
  }
  return { dataset: current.dataset, referenceRows: reference.rows, currentRows: current.rows, columns };
}

/** Drift of every column of a batch against an earlier batch, datasets only one side has included. */
export function driftBetween(
  reference: readonly DatasetProfile[],
  current: readonly DatasetProfile[],
  options: DriftOptions = {},
): ColumnDrift[] {
  const before = new Map(reference.map((p) => [p.dataset, p]));
  const now = new Set(current.map((p) => p.dataset));
  const columns: ColumnDrift[] = [];
  for (const profile of current) {
    const ref = before.get(profile.dataset);
    if (ref) columns.push(...populationStabilityIndex(ref, profile, options).columns);
    else columns.push(...profile.columns.map((c) => oneSided(profile.dataset, c, 'current')));
  }
  for (const profile of reference) {
    if (!now.has(profile.dataset))
      columns.push(...profile.columns.map((c) => oneSided(profile.dataset, c, 'reference')));
  }
  return columns;
}
