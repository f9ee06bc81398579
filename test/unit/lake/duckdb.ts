import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type Json, quotedString } from '@duckdb/node-api';

/** One in-memory DuckDB database and a connection to it. */
export interface Duck {
  readonly connection: DuckDBConnection;
  /** Rows as JSON objects (BIGINT and HUGEINT come back as strings, DATE as 'YYYY-MM-DD'). */
  rows(sql: string): Promise<Record<string, Json>[]>;
  /** Column name → DuckDB type name of a query's result, from DESCRIBE. */
  types(sql: string): Promise<Record<string, string>>;
  close(): void;
}

export async function openDuck(): Promise<Duck> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  return {
    connection,
    async rows(sql) {
      return (await connection.runAndReadAll(sql)).getRowObjectsJson();
    },
    async types(sql) {
      const described = (await connection.runAndReadAll(`DESCRIBE ${sql}`)).getRowObjectsJson();
      return Object.fromEntries(described.map((r) => [String(r.column_name), String(r.column_type)]));
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Writes Parquet bytes to a temporary file and returns its rows and DuckDB's column types. */
export async function readParquet(
  bytes: Uint8Array,
): Promise<{ rows: Record<string, Json>[]; types: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'parquet-test-'));
  const duck = await openDuck();
  try {
    const file = join(dir, 'part.parquet');
    await writeFile(file, bytes);
    const select = `SELECT * FROM read_parquet(${quotedString(file)})`;
    return { rows: await duck.rows(select), types: await duck.types(select) };
  } finally {
    duck.close();
    await rm(dir, { recursive: true, force: true });
  }
}
