import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  type DuckDBConnection,
  type DuckDBType,
  quotedIdentifier,
  quotedString,
  StatementType,
} from '@duckdb/node-api';
import type { StoredResult } from './athena-types';
import { athenaColumn, athenaColumnNames, athenaTextSql, writesAsAthenaText } from './result-columns';

/** DuckDB schema holding one table per successful query. */
export const RESULTS_SCHEMA = '__athena_results';

/** Thrown when the statement is valid SQL but not a query. */
export class UnsupportedStatementError extends Error {}

/**
 * Runs a SELECT into a DuckDB table named after the query id. The table keeps the result's
 * order (DuckDB preserves insertion order), so pages are rowid ranges and the CSV export is a
 * plain scan: neither has to hold the whole result in memory.
 */
export async function storeResult(
  connection: DuckDBConnection,
  id: string,
  sql: string,
): Promise<StoredResult> {
  const prepared = await connection.prepare(sql);
  let names: string[];
  let types: DuckDBType[];
  try {
    if (prepared.statementType !== StatementType.SELECT) {
      throw new UnsupportedStatementError('local Athena supports SELECT and WITH queries only');
    }
    names = Array.from({ length: prepared.columnCount }, (_, i) => prepared.columnName(i));
    types = Array.from({ length: prepared.columnCount }, (_, i) => prepared.columnType(i));
  } finally {
    prepared.destroySync();
  }
  const table = resultTable(id);
  // Positional aliases make the stored column names unique even when the result's are not.
  const internal = types.map((_, i) => quotedIdentifier(`c${i}`));
  await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quotedIdentifier(RESULTS_SCHEMA)}`);
  await connection.run(
    `CREATE TABLE ${table} AS SELECT * FROM (\n${sql}\n) AS __athena_query(${internal.join(', ')})`,
  );
  const counted = await connection.runAndReadAll(`SELECT count(*) FROM ${table}`);
  const athenaNames = athenaColumnNames(names, sql);
  const texts = types.map((type, i) => `${athenaTextSql(internal[i] ?? '', type)} AS ${internal[i]}`);
  const csvTexts = types.map((type, i) =>
    writesAsAthenaText(type) ? (internal[i] ?? '') : (texts[i] ?? ''),
  );
  return {
    table,
    columns: types.map((type, i) => athenaColumn(athenaNames[i] ?? `_col${i}`, type)),
    rowCount: Number(counted.getRowsJson()[0]?.[0] ?? 0),
    textSelect: `SELECT ${texts.join(', ')} FROM ${table}`,
    csvSelect: `SELECT ${csvTexts.join(', ')} FROM ${table}`,
  };
}

/** Rows `[from, from + count)` of a stored result as Athena's text, NULL as null. */
export async function readResultRows(
  connection: DuckDBConnection,
  result: StoredResult,
  from: number,
  count: number,
): Promise<(string | null)[][]> {
  const reader = await connection.runAndReadAll(
    `${result.textSelect} WHERE rowid >= ${from} AND rowid < ${from + count} ORDER BY rowid`,
  );
  return reader.getRowsJson().map((row) => row.map((cell) => (cell === null ? null : String(cell))));
}

/**
 * Writes the rows in Athena's CSV dialect, without the header: every value double-quoted with
 * inner quotes doubled, NULL as nothing, `\n` line ends.
 */
export async function exportResultCsv(
  connection: DuckDBConnection,
  result: StoredResult,
  file: string,
): Promise<void> {
  await connection.run(
    `COPY (${result.csvSelect}) TO ${quotedString(file)} (FORMAT CSV, HEADER false, FORCE_QUOTE *)`,
  );
}

/** Athena's quoted CSV header line for the result. */
export function csvHeader(result: StoredResult): string {
  return `${result.columns.map((column) => `"${column.name.replaceAll('"', '""')}"`).join(',')}\n`;
}

/**
 * Streams header + CSV file to S3 as one PutObject of known length. A multipart upload would make
 * the emulator write (and hash) every byte twice, once as parts and once joined, and a result of
 * a million feature rows is half a gigabyte; one object stays far below S3's 5 GB PutObject limit.
 */
export async function uploadResultCsv(
  s3: S3Client,
  target: { bucket: string; key: string },
  header: string,
  file: string,
): Promise<void> {
  const head = Buffer.from(header);
  async function* body() {
    yield head;
    yield* createReadStream(file, { highWaterMark: 1 << 20 });
  }
  await s3.send(
    new PutObjectCommand({
      Bucket: target.bucket,
      Key: target.key,
      Body: Readable.from(body()),
      ContentLength: head.length + (await stat(file)).size,
      ContentType: 'text/csv',
    }),
  );
}

/** Removes a stored result (after a failure or cancellation). */
export async function dropResult(connection: DuckDBConnection, id: string): Promise<void> {
  await connection.run(`DROP TABLE IF EXISTS ${resultTable(id)}`);
}

function resultTable(id: string): string {
  return `${quotedIdentifier(RESULTS_SCHEMA)}.${quotedIdentifier(`q_${id.replaceAll('-', '')}`)}`;
}
