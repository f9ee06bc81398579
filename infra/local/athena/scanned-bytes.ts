import { type DuckDBConnection, quotedString } from '@duckdb/node-api';

/**
 * Athena's DataScannedInBytes, measured: the bytes DuckDB reads from the mirrored lake files while
 * a query runs, from its file-system log. Like Athena's, the figure covers only the partitions the
 * query's filters leave and only the columns (and row groups) it reads; Parquet footers read to
 * plan the scan count too. Queries run one at a time on the query connection, so the log is
 * cleared before each and summed after.
 */

/**
 * Turns on DuckDB's file-system log (every open, read and close, with bytes), instance-wide, and
 * off its cache of file blocks: a query that found another's blocks cached would read, and bill,
 * less than Athena, which bills every query for what it scans.
 */
export async function logFileReads(connection: DuckDBConnection): Promise<void> {
  await connection.run(`CALL enable_logging(['FileSystem'], level = 'trace')`);
  await connection.run('SET enable_external_file_cache = false');
  await connection.run('SET parquet_metadata_cache = true');
}

export async function clearReadLog(connection: DuckDBConnection): Promise<void> {
  await connection.run('CALL truncate_duckdb_logs()');
}

/** Bytes read, since the log was last cleared, from files under `directory`. */
export async function bytesReadUnder(connection: DuckDBConnection, directory: string): Promise<number> {
  const reader = await connection.runAndReadAll(
    `SELECT COALESCE(SUM(CAST(json_extract_string(message, '$.bytes') AS BIGINT)), 0)
     FROM duckdb_logs
     WHERE type = 'FileSystem'
       AND json_extract_string(message, '$.op') = 'READ'
       AND starts_with(json_extract_string(message, '$.path'), ${quotedString(directory)})`,
  );
  return Number(reader.getRowsJson()[0]?.[0] ?? 0);
}
