import { dayOfSimpleIsoDate } from '../contracts/cell-fast-paths';
import type { StorageType, StoredValue } from '../contracts/column';
import type { LakeColumn } from './catalog';

/**
 * Rows of one table held column by column in Apache Arrow's layout: text as UTF-8 bytes with
 * offsets, numbers in typed arrays (dates as epoch days, timestamps as epoch millis), and a byte
 * per row saying whether a value is present where it may be missing. A part of 250,000 rows is a
 * few dozen arrays rather than 250,000 objects for the garbage collector, its buffers can move to
 * another thread without copying, and the Parquet encoder reads them as they are.
 */
export type ColumnVector =
  | {
      readonly kind: 'utf8';
      readonly offsets: Int32Array;
      readonly bytes: Uint8Array;
      readonly valid?: Uint8Array;
    }
  | { readonly kind: 'int32'; readonly values: Int32Array; readonly valid?: Uint8Array }
  | { readonly kind: 'float64'; readonly values: Float64Array; readonly valid?: Uint8Array }
  | { readonly kind: 'boolean'; readonly values: Uint8Array; readonly valid?: Uint8Array };

export interface ColumnBatch {
  readonly length: number;
  /** One vector per column, in the columns' order. */
  readonly vectors: readonly ColumnVector[];
}

/** Epoch days of an ISO date as stored in a row. */
export function epochDayOf(date: string): number {
  const day = dayOfSimpleIsoDate(date);
  if (Number.isNaN(day)) throw new Error(`not an ISO date: ${date}`);
  return day;
}

type NumericKind = 'int32' | 'float64' | 'boolean';
const KIND: Record<StorageType, NumericKind | 'utf8'> = {
  string: 'utf8',
  int: 'int32',
  date: 'int32',
  double: 'float64',
  timestamp: 'float64',
  boolean: 'boolean',
};

interface Builder {
  /** Sets row `n` (below the capacity last given to `reserve`) to the value. */
  push(value: StoredValue | undefined, n: number): void;
  /** Makes room for `rows` rows. */
  reserve(rows: number): void;
  /** The first `length` values as a vector that owns its arrays (views, not copies); the builder starts afresh. */
  take(length: number): ColumnVector;
}

function grown<T extends Uint8Array | Int32Array | Float64Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  let size = Math.max(16, array.length * 2);
  while (size < needed) size *= 2;
  const bigger = new (array.constructor as new (n: number) => T)(size);
  bigger.set(array);
  return bigger;
}

function missing(column: LakeColumn): never {
  throw new Error(`${column.name} is required but a row has no value`);
}

class Utf8Builder implements Builder {
  private bytes: Uint8Array;
  private offsets: Int32Array;
  private valid: Uint8Array | undefined;
  private end = 0;

  constructor(
    private readonly column: LakeColumn,
    private readonly initial: number,
  ) {
    this.bytes = new Uint8Array(initial * 8);
    this.offsets = new Int32Array(initial + 1);
    this.valid = column.required ? undefined : new Uint8Array(initial);
  }

  reserve(rows: number): void {
    this.offsets = grown(this.offsets, rows + 1);
    if (this.valid) this.valid = grown(this.valid, rows);
  }

  push(value: StoredValue | undefined, n: number): void {
    const valid = this.valid;
    if (value === null || value === undefined) {
      if (!valid) missing(this.column);
      valid[n] = 0;
    } else {
      const text = typeof value === 'string' ? value : String(value);
      const length = text.length;
      // At most 3 bytes per UTF-16 unit; ASCII, the usual case, is copied without an encoder call.
      if (this.end + length * 3 > this.bytes.length) this.bytes = grown(this.bytes, this.end + length * 3);
      const bytes = this.bytes;
      const start = this.end;
      let at = start;
      for (let i = 0; i < length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) {
          at = start + encoder.encodeInto(text, bytes.subarray(start)).written;
          break;
        }
        bytes[at++] = c;
      }
      this.end = at;
      if (valid) valid[n] = 1;
    }
    this.offsets[n + 1] = this.end;
  }

  take(length: number): ColumnVector {
    const vector: ColumnVector = {
      kind: 'utf8',
      offsets: this.offsets.subarray(0, length + 1),
      bytes: this.bytes.subarray(0, this.end),
      ...(this.valid ? { valid: this.valid.subarray(0, length) } : {}),
    };
    this.offsets = new Int32Array(this.initial + 1);
    this.bytes = new Uint8Array(this.initial * 8);
    if (this.valid) this.valid = new Uint8Array(this.initial);
    this.end = 0;
    return vector;
  }
}

const encoder = new TextEncoder();

class NumericBuilder implements Builder {
  private values: Int32Array | Float64Array | Uint8Array;
  private valid: Uint8Array | undefined;
  private readonly kind: NumericKind;
  private readonly storage: StorageType;

  constructor(
    private readonly column: LakeColumn,
    private readonly initial: number,
  ) {
    this.kind = KIND[column.storage] as NumericKind;
    this.storage = column.storage;
    this.values = this.make(initial);
    this.valid = column.required ? undefined : new Uint8Array(initial);
  }

  private make(n: number): Int32Array | Float64Array | Uint8Array {
    return this.kind === 'int32'
      ? new Int32Array(n)
      : this.kind === 'float64'
        ? new Float64Array(n)
        : new Uint8Array(n);
  }

  reserve(rows: number): void {
    this.values = grown(this.values, rows);
    if (this.valid) this.valid = grown(this.valid, rows);
  }

  push(value: StoredValue | undefined, n: number): void {
    const valid = this.valid;
    if (value === null || value === undefined) {
      if (!valid) missing(this.column);
      valid[n] = 0;
      this.values[n] = 0;
    } else {
      if (valid) valid[n] = 1;
      this.values[n] =
        this.storage === 'date'
          ? epochDayOf(value as string)
          : this.storage === 'boolean'
            ? value
              ? 1
              : 0
            : (value as number);
    }
  }

  take(length: number): ColumnVector {
    const vector = {
      kind: this.kind,
      values: this.values.subarray(0, length),
      ...(this.valid ? { valid: this.valid.subarray(0, length) } : {}),
    } as ColumnVector;
    this.values = this.make(this.initial);
    if (this.valid) this.valid = new Uint8Array(this.initial);
    return vector;
  }
}

/** Collects rows into a ColumnBatch; reusable after `take`. */
export class ColumnBatchBuilder {
  private readonly builders: readonly Builder[];
  private readonly names: readonly string[];
  private count = 0;
  private capacity: number;
  private readonly initial: number;

  constructor(columns: readonly LakeColumn[], initialCapacity = 1024) {
    const initial = Math.max(1, initialCapacity);
    this.initial = initial;
    this.capacity = initial;
    this.names = columns.map((c) => c.name);
    this.builders = columns.map((c) =>
      KIND[c.storage] === 'utf8' ? new Utf8Builder(c, initial) : new NumericBuilder(c, initial),
    );
  }

  get length(): number {
    return this.count;
  }

  add(row: Readonly<Record<string, StoredValue>>): void {
    const n = this.count;
    const builders = this.builders;
    if (n === this.capacity) {
      this.capacity *= 2;
      for (let i = 0; i < builders.length; i++) (builders[i] as Builder).reserve(this.capacity);
    }
    const names = this.names;
    for (let i = 0; i < builders.length; i++) (builders[i] as Builder).push(row[names[i] as string], n);
    this.count = n + 1;
  }

  /** The rows so far as a batch, which owns its arrays, and a fresh start. */
  take(): ColumnBatch {
    const batch = { length: this.count, vectors: this.builders.map((b) => b.take(this.count)) };
    this.count = 0;
    this.capacity = this.initial;
    return batch;
  }
}
