import type { StorageType, StoredValue } from '../contracts/column';
import type { LakeColumn } from './catalog';

/**
 * Rows of one table held column by column, as the Parquet encoder wants them: numbers in typed
 * arrays (dates as epoch days, timestamps as epoch millis), text in arrays. Held this way a part
 * of 250,000 rows is a few dozen arrays rather than 250,000 objects for the garbage collector.
 */
export type ColumnVector =
  | { readonly kind: 'string'; readonly values: readonly (string | null)[] }
  | { readonly kind: 'int32'; readonly values: Int32Array; readonly valid?: Uint8Array }
  | { readonly kind: 'float64'; readonly values: Float64Array; readonly valid?: Uint8Array }
  | { readonly kind: 'boolean'; readonly values: Uint8Array; readonly valid?: Uint8Array };

export interface ColumnBatch {
  readonly length: number;
  /** One vector per column, in the columns' order. */
  readonly vectors: readonly ColumnVector[];
}

const DAY_MILLIS = 86_400_000;
const ISO_DATE = /^(-?\d{4,})-(\d{2})-(\d{2})$/;

/** Epoch days of an ISO date as stored in a row. */
export function epochDayOf(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`not an ISO date: ${date}`);
  return Math.floor(new Date(0).setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MILLIS);
}

type NumericKind = 'int32' | 'float64' | 'boolean';
const KIND: Record<StorageType, NumericKind | 'string'> = {
  string: 'string',
  int: 'int32',
  date: 'int32',
  double: 'float64',
  timestamp: 'float64',
  boolean: 'boolean',
};

interface Builder {
  push(value: StoredValue | undefined): void;
  vector(length: number): ColumnVector;
  reset(): void;
}

function stringBuilder(): Builder {
  let values: (string | null)[] = [];
  return {
    push: (value) => {
      values.push(
        typeof value === 'string' ? value : value === null || value === undefined ? null : String(value),
      );
    },
    vector: () => ({ kind: 'string', values }),
    reset: () => {
      values = [];
    },
  };
}

function numericBuilder(column: LakeColumn, initial: number): Builder {
  const kind = KIND[column.storage] as NumericKind;
  const make = (n: number) =>
    kind === 'int32' ? new Int32Array(n) : kind === 'float64' ? new Float64Array(n) : new Uint8Array(n);
  const nullable = column.required !== true;
  let values = make(initial);
  let valid = nullable ? new Uint8Array(initial) : undefined;
  let length = 0;
  const toNumber =
    column.storage === 'date'
      ? (v: StoredValue) => epochDayOf(v as string)
      : column.storage === 'boolean'
        ? (v: StoredValue) => (v ? 1 : 0)
        : (v: StoredValue) => v as number;
  return {
    push: (value) => {
      if (length === values.length) {
        const grown = make(values.length * 2);
        grown.set(values);
        values = grown;
        if (valid) {
          const more = new Uint8Array(values.length);
          more.set(valid);
          valid = more;
        }
      }
      if (value === null || value === undefined) {
        if (!valid) throw new Error(`${column.name} is required but a row has no value`);
        valid[length] = 0;
        values[length] = 0;
      } else {
        if (valid) valid[length] = 1;
        values[length] = toNumber(value);
      }
      length += 1;
    },
    vector: (n) =>
      ({
        kind,
        values: values.subarray(0, n),
        ...(valid ? { valid: valid.subarray(0, n) } : {}),
      }) as ColumnVector,
    reset: () => {
      // The batch taken keeps the old arrays; the next rows go to new ones.
      values = make(initial);
      valid = nullable ? new Uint8Array(initial) : undefined;
      length = 0;
    },
  };
}

/** Collects rows into a ColumnBatch; reusable after `take`. */
export class ColumnBatchBuilder {
  private readonly builders: readonly Builder[];
  private count = 0;

  constructor(
    private readonly columns: readonly LakeColumn[],
    initialCapacity = 1024,
  ) {
    this.builders = columns.map((c) =>
      KIND[c.storage] === 'string' ? stringBuilder() : numericBuilder(c, Math.max(1, initialCapacity)),
    );
  }

  get length(): number {
    return this.count;
  }

  add(row: Readonly<Record<string, StoredValue>>): void {
    for (let i = 0; i < this.columns.length; i++) {
      (this.builders[i] as Builder).push(row[(this.columns[i] as LakeColumn).name]);
    }
    this.count += 1;
  }

  /** The rows so far as a batch, which owns its arrays, and a fresh start. */
  take(): ColumnBatch {
    const batch = { length: this.count, vectors: this.builders.map((b) => b.vector(this.count)) };
    for (const b of this.builders) b.reset();
    this.count = 0;
    return batch;
  }
}
