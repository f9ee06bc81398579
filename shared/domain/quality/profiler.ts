import {
  DAY_MILLIS,
  dayOfIsoDate,
  isoDateOfDay,
  isoTimestampOfMillis,
  monthIndexOfDay,
  monthLabel,
} from '../calendar';
import type { StoredValue } from '../contracts/column';
import type { LakeColumn } from '../lake/catalog';
import { CappedCounter } from './capped-counter';
import { NumericAccumulator } from './numeric-stats';
import { type ColumnProfile, type DatasetProfile, kindOf, type TemporalSummary } from './profile-schema';
import { labelledGenerator } from './reservoir';

export interface ProfilerOptions {
  readonly seed: number;
  /** Values kept per numeric or temporal column for quantiles and drift. */
  readonly sampleSize?: number;
  /** Most frequent values listed per categorical column. */
  readonly topK?: number;
  /** Distinct values counted exactly per categorical column before counts become bounds. */
  readonly distinctCap?: number;
  /** Latest months listed per temporal column; older ones are summed into `earlier`. */
  readonly monthCap?: number;
}

export const PROFILER_DEFAULTS = {
  sampleSize: 10_000,
  topK: 20,
  distinctCap: 10_000,
  monthCap: 120,
} as const;

/** Values longer than this are counted under a shorter key (see countingKey). */
export const MAX_VALUE_LENGTH = 128;
const KEPT_PREFIX = 100;

/** A 32-bit multiplicative string hash with a final avalanche, as 8 hex digits. */
function hash32(text: string, seed: number, multiplier: number): string {
  let h = seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), multiplier);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The key a categorical value is counted under: the value itself, or for a long one (JSON
 * attributes run to 4 KB) its first characters and two different 32-bit hashes of the whole. Distinct values
 * stay distinct, while 10,000 counters stay a few MB and the profile's top values short.
 */
export function countingKey(value: string): string {
  if (value.length <= MAX_VALUE_LENGTH) return value;
  return `${value.slice(0, KEPT_PREFIX)}…#${hash32(value, 0x811c9dc5, 0x01000193)}${hash32(value, 0x9e3779b9, 0x5bd1e995)}`;
}

interface ColumnState {
  readonly column: LakeColumn;
  nulls: number;
  invalid: number;
  add(value: StoredValue): boolean;
  profile(base: ColumnBase): ColumnProfile;
}

type ColumnBase = Pick<ColumnProfile, 'name' | 'storage' | 'nulls' | 'nullRate' | 'invalid'>;

function numericState(column: LakeColumn, numeric: NumericAccumulator): ColumnState {
  return {
    column,
    nulls: 0,
    invalid: 0,
    add(value) {
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      numeric.add(value);
      return true;
    },
    profile: (base) => ({ kind: 'numeric', ...base, numeric: numeric.summary(column.storage === 'double') }),
  };
}

function categoricalState(column: LakeColumn, counter: CappedCounter, topK: number): ColumnState {
  const expected = column.storage === 'boolean' ? 'boolean' : 'string';
  return {
    column,
    nulls: 0,
    invalid: 0,
    add(value) {
      if (typeof value !== expected) return false;
      counter.add(typeof value === 'string' ? countingKey(value) : String(value));
      return true;
    },
    profile(base) {
      const { top, exact } = counter.top(topK);
      const listed = top.reduce((sum, v) => sum + v.count, 0);
      return {
        kind: 'categorical',
        ...base,
        categorical: {
          distinct: counter.distinct,
          distinctExact: !counter.overflowed,
          top: [...top],
          topExact: exact,
          other: counter.count - listed,
        },
      };
    },
  };
}

/** Dates and timestamps: extremes in their own resolution, months, and numbers over epoch days. */
function temporalState(column: LakeColumn, numeric: NumericAccumulator, monthCap: number): ColumnState {
  const isDate = column.storage === 'date';
  const months = new Map<number, number>();
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let lastDay = Number.NaN;
  let lastMonth = 0;
  const text = (raw: number) => (isDate ? isoDateOfDay(raw) : isoTimestampOfMillis(raw));

  return {
    column,
    nulls: 0,
    invalid: 0,
    add(value) {
      let raw: number;
      let days: number;
      if (isDate) {
        if (typeof value !== 'string') return false;
        raw = dayOfIsoDate(value);
        days = raw;
      } else {
        if (typeof value !== 'number') return false;
        raw = value;
        days = value / DAY_MILLIS;
      }
      if (!Number.isFinite(raw)) return false;
      const day = Math.floor(days);
      // Rows often arrive in date order, so the month of the previous row is usually this one's.
      if (day !== lastDay) {
        lastDay = day;
        lastMonth = monthIndexOfDay(day);
      }
      months.set(lastMonth, (months.get(lastMonth) ?? 0) + 1);
      if (raw < min) min = raw;
      if (raw > max) max = raw;
      numeric.add(days);
      return true;
    },
    profile(base) {
      const ordered = [...months.entries()].sort((a, b) => a[0] - b[0]);
      const kept = ordered.slice(Math.max(0, ordered.length - monthCap));
      const earlier = ordered.slice(0, ordered.length - kept.length).reduce((sum, [, n]) => sum + n, 0);
      const seen = Number.isFinite(min);
      const temporal: TemporalSummary = {
        min: seen ? text(min) : null,
        max: seen ? text(max) : null,
        months: kept.map(([month, count]) => ({ month: monthLabel(month), count })),
        earlier,
      };
      return { kind: 'temporal', ...base, numeric: numeric.summary(!isDate), temporal };
    },
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive whole number`);
  return value;
}

/**
 * Profiles one dataset in a single pass over its accepted rows. Memory is bounded by the options
 * (a sample per numeric column, `distinctCap` counters per categorical one), never by the row count.
 */
export class DatasetProfiler {
  private rows = 0;
  private readonly states: readonly ColumnState[];
  private readonly sampling: DatasetProfile['sampling'];

  constructor(
    readonly dataset: string,
    columns: readonly LakeColumn[],
    options: ProfilerOptions,
  ) {
    if (!Number.isInteger(options.seed)) throw new RangeError('the profiler seed must be a whole number');
    this.sampling = {
      seed: options.seed,
      sampleSize: positiveInteger('sampleSize', options.sampleSize ?? PROFILER_DEFAULTS.sampleSize),
      topK: Math.max(0, Math.floor(options.topK ?? PROFILER_DEFAULTS.topK)),
      distinctCap: positiveInteger('distinctCap', options.distinctCap ?? PROFILER_DEFAULTS.distinctCap),
      monthCap: positiveInteger('monthCap', options.monthCap ?? PROFILER_DEFAULTS.monthCap),
    };
    const { seed, sampleSize, topK, distinctCap, monthCap } = this.sampling;
    this.states = columns.map((column) => {
      const numeric = () => new NumericAccumulator(sampleSize, labelledGenerator(seed, dataset, column.name));
      switch (kindOf(column.storage)) {
        case 'numeric':
          return numericState(column, numeric());
        case 'temporal':
          return temporalState(column, numeric(), monthCap);
        default:
          return categoricalState(column, new CappedCounter(distinctCap), topK);
      }
    });
  }

  add(row: Readonly<Record<string, StoredValue>>): void {
    this.rows++;
    for (const state of this.states) {
      const value = row[state.column.name];
      if (value === null || value === undefined) state.nulls++;
      else if (!state.add(value)) state.invalid++;
    }
  }

  profile(): DatasetProfile {
    const rows = this.rows;
    return {
      dataset: this.dataset,
      rows,
      sampling: { ...this.sampling },
      columns: this.states.map((state) =>
        state.profile({
          name: state.column.name,
          storage: state.column.storage,
          nulls: state.nulls,
          nullRate: rows === 0 ? 0 : state.nulls / rows,
          invalid: state.invalid,
        }),
      ),
    };
  }
}
