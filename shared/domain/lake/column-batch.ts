import { dayOfIsoDate } from '../calendar';
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
  const day = dayOfIsoDate(date);
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
  push(value: StoredValue | undefined): void;
  /** The values so far as a vector that owns its arrays; the builder starts afresh. */
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
  private length = 0;
  private end = 0;

  constructor(
    private readonly column: LakeColumn,
    private readonly initial: number,
  ) {
    this.bytes = new Uint8Array(initial * 8);
    this.offsets = new Int32Array(initial + 1);
    this.valid = column.required ? undefined : new Uint8Array(initial);
  }

  push(value: StoredValue | undefined): void {
    const n = this.length;
    this.offsets = grown(this.offsets, n + 2);
    if (this.valid) this.valid = grown(this.valid, n + 1);
    if (value === null || value === undefined) {
      if (!this.valid) missing(this.column);
      this.valid[n] = 0;
    } else {
      const text = typeof value === 'string' ? value : String(value);
      // At most 3 bytes per UTF-16 unit; ASCII, the usual case, is copied without an encoder call.
      this.bytes = grown(this.bytes, this.end + text.length * 3);
      let at = this.end;
      let ascii = true;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) {
          ascii = false;
          break;
        }
        this.bytes[at++] = c;
      }
      if (!ascii) at = this.end + encoder.encodeInto(text, this.bytes.subarray(this.end)).written;
      this.end = at;
      if (this.valid) this.valid[n] = 1;
    }
    this.offsets[n + 1] = this.end;
    this.length = n + 1;
  }

  take(length: number): ColumnVector {
    const vector: ColumnVector = {
      kind: 'utf8',
      offsets: this.offsets.slice(0, length + 1),
      bytes: this.bytes.slice(0, this.end),
      ...(this.valid ? { valid: this.valid.slice(0, length) } : {}),
    };
    this.offsets = new Int32Array(this.initial + 1);
    this.bytes = new Uint8Array(this.initial * 8);
    if (this.valid) this.valid = new Uint8Array(this.initial);
    this.length = 0;
    this.end = 0;
    return vector;
  }
}

const encoder = new TextEncoder();

class NumericBuilder implements Builder {
  private values: Int32Array | Float64Array | Uint8Array;
  private valid: Uint8Array | undefined;
  private length = 0;
  private readonly kind: NumericKind;
  private readonly toNumber: (v: StoredValue) => number;

  constructor(
    private readonly column: LakeColumn,
    private readonly initial: number,
  ) {
    this.kind = KIND[column.storage] as NumericKind;
    this.values = this.make(initial);
    this.valid = column.required ? undefined : new Uint8Array(initial);
    this.toNumber =
      column.storage === 'date'
        ? (v) => epochDayOf(v as string)
        : column.storage === 'boolean'
          ? (v) => (v ? 1 : 0)
          : (v) => v as number;
  }

  private make(n: number): Int32Array | Float64Array | Uint8Array {
    return this.kind === 'int32'
      ? new Int32Array(n)
      : this.kind === 'float64'
        ? new Float64Array(n)
        : new Uint8Array(n);
  }

  push(value: StoredValue | undefined): void {
    const n = this.length;
    this.values = grown(this.values, n + 1);
    if (this.valid) this.valid = grown(this.valid, n + 1);
    if (value === null || value === undefined) {
      if (!this.valid) missing(this.column);
      this.valid[n] = 0;
      this.values[n] = 0;
    } else {
      if (this.valid) this.valid[n] = 1;
      this.values[n] = this.toNumber(value);
    }
    this.length = n + 1;
  }

  take(length: number): ColumnVector {
    const vector = {
      kind: this.kind,
      values: this.values.slice(0, length),
      ...(this.valid ? { valid: this.valid.slice(0, length) } : {}),
    } as ColumnVector;
    this.values = this.make(this.initial);
    if (this.valid) this.valid = new Uint8Array(this.initial);
    this.length = 0;
    return vector;
  }
}

/** Collects rows into a ColumnBatch; reusable after `take`. */
export class ColumnBatchBuilder {
  private readonly builders: readonly Builder[];
  private count = 0;

  constructor(
    private readonly columns: readonly LakeColumn[],
    initialCapacity = 1024,
  ) {
    const initial = Math.max(1, initialCapacity);
    this.builders = columns.map((c) =>
      KIND[c.storage] === 'utf8' ? new Utf8Builder(c, initial) : new NumericBuilder(c, initial),
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
    const batch = { length: this.count, vectors: this.builders.map((b) => b.take(this.count)) };
    this.count = 0;
    return batch;
  }
}
