import { parquetWriteBuffer } from 'hyparquet-writer';
import type { StorageType, StoredValue } from '../contracts/column';
import type { LakeColumn } from './catalog';
import { type ColumnBatch, ColumnBatchBuilder, type ColumnVector } from './column-batch';

type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number];
type ColumnData = Parameters<typeof parquetWriteBuffer>[0]['columnData'][number]['data'];

/** The Parquet schema element of each storage type; contract-required columns are REQUIRED. */
function schemaElement(column: LakeColumn): SchemaElement {
  const base = {
    name: column.name,
    repetition_type: column.required ? ('REQUIRED' as const) : ('OPTIONAL' as const),
  };
  const types: Record<StorageType, SchemaElement> = {
    string: { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8' },
    int: { ...base, type: 'INT32' },
    double: { ...base, type: 'DOUBLE' },
    boolean: { ...base, type: 'BOOLEAN' },
    date: { ...base, type: 'INT32', converted_type: 'DATE' },
    timestamp: { ...base, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' },
  };
  return types[column.storage];
}

/** A vector in the form the writer takes: typed arrays where no value is missing, arrays with nulls otherwise. */
function columnData(column: LakeColumn, vector: ColumnVector): ColumnData {
  if (vector.kind === 'string') return vector.values as (string | null)[];
  const { values, valid } = vector;
  const n = values.length;
  if (column.storage === 'timestamp') {
    if (!valid) {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt(values[i] as number);
      return out;
    }
    return Array.from(values, (v, i) => (valid[i] ? BigInt(v) : null));
  }
  if (vector.kind === 'boolean') return Array.from(values, (v, i) => (valid && !valid[i] ? null : v === 1));
  if (!valid) return values;
  return Array.from(values, (v, i) => (valid[i] ? v : null));
}

/** Encodes a column batch as one Parquet file (Snappy), columns in catalog order. */
export function encodeColumnBatch(columns: readonly LakeColumn[], batch: ColumnBatch): Uint8Array {
  const schema: SchemaElement[] = [
    { name: 'root', num_children: columns.length },
    ...columns.map(schemaElement),
  ];
  return new Uint8Array(
    parquetWriteBuffer({
      schema,
      columnData: columns.map((column, i) => ({
        name: column.name,
        data: columnData(column, batch.vectors[i] as ColumnVector),
      })),
    }),
  );
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
