import { parquetWriteBuffer } from 'hyparquet-writer';
import type { StorageType, StoredValue } from '../contracts/column';
import type { LakeColumn } from './catalog';

type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number];

const DAY_MILLIS = 86_400_000;

/** The Parquet schema element of each storage type; every column is nullable. */
function schemaElement(column: LakeColumn): SchemaElement {
  const base = { name: column.name, repetition_type: 'OPTIONAL' as const };
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

function encodeValue(storage: StorageType, value: StoredValue): StoredValue | bigint {
  if (value === null) return null;
  if (storage === 'date') return Math.floor(Date.parse(`${value}T00:00:00Z`) / DAY_MILLIS);
  if (storage === 'timestamp') return BigInt(value as number);
  return value;
}

/** Encodes typed rows as one Parquet file (Snappy), columns in catalog order. */
export function encodeParquet(
  columns: readonly LakeColumn[],
  rows: readonly Record<string, StoredValue>[],
): Uint8Array {
  const schema: SchemaElement[] = [
    { name: 'root', num_children: columns.length },
    ...columns.map(schemaElement),
  ];
  const columnData = columns.map((column) => ({
    name: column.name,
    data: rows.map((row) => encodeValue(column.storage, row[column.name] ?? null)),
  }));
  return new Uint8Array(parquetWriteBuffer({ columnData, schema }));
}
