import {
  Bool,
  type Data,
  type DataType,
  DateDay,
  Field,
  Float64,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  tableToIPC,
  Utf8,
} from 'apache-arrow';
import type { StorageType, StoredValue } from '../contracts/column';
import type { LakeColumn } from './catalog';
import { type ColumnBatch, ColumnBatchBuilder, type ColumnVector } from './column-batch';
import { parquetWriter } from './parquet-wasm';

/** The Arrow type of each storage type, which fixes the Parquet type Athena and DuckDB read. */
function arrowType(storage: StorageType): DataType {
  switch (storage) {
    case 'string':
      return new Utf8();
    case 'int':
      return new Int32();
    case 'double':
      return new Float64();
    case 'boolean':
      return new Bool();
    case 'date':
      return new DateDay();
    case 'timestamp':
      // No time zone: Parquet TIMESTAMP(MILLIS, isAdjustedToUTC=false), Athena's `timestamp`.
      return new TimestampMillisecond();
  }
}

/** A byte per row (non-zero = set) packed into Arrow's bit-per-row layout, least significant bit first. */
function packBits(bytes: Uint8Array, length: number): Uint8Array {
  const bits = new Uint8Array((length + 7) >> 3);
  for (let i = 0; i < length; i++) if (bytes[i]) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
  return bits;
}

/** A byte per row (1 = present) as Arrow's validity bitmap, with the count of missing values. */
function bitmap(
  valid: Uint8Array | undefined,
  length: number,
): { nullBitmap?: Uint8Array; nullCount: number } {
  if (!valid) return { nullCount: 0 };
  let missing = 0;
  for (let i = 0; i < length; i++) if (!valid[i]) missing += 1;
  return missing === 0 ? { nullCount: 0 } : { nullBitmap: packBits(valid, length), nullCount: missing };
}

/** Millis (exact integers below 2^53) as the little-endian int64 words Arrow keeps timestamps in. */
function int64Words(millis: Float64Array): BigInt64Array {
  const words = new Int32Array(millis.length * 2);
  for (let i = 0; i < millis.length; i++) {
    const ms = millis[i] as number;
    const high = Math.floor(ms / 4_294_967_296);
    words[2 * i] = ms - high * 4_294_967_296;
    words[2 * i + 1] = high;
  }
  return new BigInt64Array(words.buffer);
}

function arrowData(column: LakeColumn, vector: ColumnVector, length: number): Data {
  const type = arrowType(column.storage);
  const nulls = bitmap(vector.valid, length);
  if (vector.kind === 'utf8') {
    return makeData({
      type: type as Utf8,
      length,
      valueOffsets: vector.offsets,
      data: vector.bytes,
      ...nulls,
    });
  }
  if (vector.kind === 'boolean') {
    return makeData({
      type: type as Bool,
      length,
      data: packBits(vector.values, length),
      ...nulls,
    });
  }
  if (column.storage === 'timestamp') {
    return makeData({
      type: type as TimestampMillisecond,
      length,
      data: int64Words(vector.values as Float64Array) as never,
      ...nulls,
    });
  }
  return makeData({ type: type as Int32, length, data: vector.values as never, ...nulls });
}

export interface EncodingOptions {
  /**
   * Columns written without a dictionary: those whose values are all different (a dataset's id),
   * where a dictionary only costs time and space. Values, types and schema are the same either way.
   */
  readonly withoutDictionary?: readonly string[];
}

/**
 * Encodes a column batch as one Parquet file (Snappy), columns in catalog order, contract-required
 * columns REQUIRED and the rest OPTIONAL. The batch becomes an Arrow record batch without copying
 * values, and parquet-wasm writes it.
 */
export function encodeColumnBatch(
  columns: readonly LakeColumn[],
  batch: ColumnBatch,
  options: EncodingOptions = {},
): Uint8Array {
  const fields = columns.map((c) => new Field(c.name, arrowType(c.storage), c.required !== true));
  const children = columns.map((c, i) => arrowData(c, batch.vectors[i] as ColumnVector, batch.length));
  const struct = makeData({ type: new Struct(fields), length: batch.length, children, nullCount: 0 });
  const table = new Table([new RecordBatch(new Schema(fields), struct)]);
  const parquet = parquetWriter();
  let builder = new parquet.WriterPropertiesBuilder().setCompression(parquet.Compression.SNAPPY);
  for (const name of options.withoutDictionary ?? [])
    if (columns.some((c) => c.name === name)) builder = builder.setColumnDictionaryEnabled(name, false);
  const properties = builder.build();
  return parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream')), properties);
}

/** Encodes typed rows as one Parquet file; a convenience over encodeColumnBatch. */
export function encodeParquet(
  columns: readonly LakeColumn[],
  rows: readonly Record<string, StoredValue>[],
): Uint8Array {
  const builder = new ColumnBatchBuilder(columns, rows.length);
  for (const row of rows) builder.add(row);
  return encodeColumnBatch(columns, builder.take());
}
