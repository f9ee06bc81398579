import { type DuckDBConnection, quotedIdentifier, quotedString } from '@duckdb/node-api';
import type { LakeStorage, LakeTableLocation } from './athena-types';
import type { LakeMirror } from './lake-mirror';

/** The DuckDB type of each lake storage type; the one place the local engine's types are decided. */
export const DUCKDB_TYPE: Record<LakeStorage, string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

/**
 * The DuckDB views `<database>.<table>` over the mirrored Parquet files, typed like the Glue
 * tables: catalog columns cast to their types plus the partition key as VARCHAR. A view is
 * re-created only when its table's mirrored files (keys or ETags) changed, because binding
 * read_parquet reads the schema of every file.
 */
export class LakeViews {
  private readonly signatures = new Map<string, string>();
  private readonly broken = new Map<string, string>();

  constructor(
    private readonly database: string,
    private readonly tables: readonly LakeTableLocation[],
    private readonly mirror: LakeMirror,
  ) {}

  /** Brings the views in line with the mirror; call after LakeMirror.refresh, on the query connection. */
  async refresh(connection: DuckDBConnection): Promise<void> {
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quotedIdentifier(this.database)}`);
    for (const table of this.tables) {
      const files = this.mirror.filesOf(table);
      const signature = files.map((file) => `${file.key}\t${file.etag}`).join('\n');
      if (this.signatures.get(table.name) === signature) continue;
      const view = `${quotedIdentifier(this.database)}.${quotedIdentifier(table.name)}`;
      try {
        await connection.run(`CREATE OR REPLACE VIEW ${view} AS ${viewBody(table, this.mirror)}`);
        // Reads every file's footer once, into DuckDB's Parquet metadata cache, so that a query's
        // measured scan (scanned-bytes.ts) is the column data it reads, as Athena bills it, and not
        // the footers of partitions it prunes.
        await connection.run(`SELECT count(*) FROM ${view}`);
        this.broken.delete(table.name);
      } catch (error) {
        // Only queries reading this table should fail, with DuckDB's reason.
        this.broken.set(table.name, error instanceof Error ? error.message : String(error));
        await connection.run(`DROP VIEW IF EXISTS ${view}`);
      }
      this.signatures.set(table.name, signature);
    }
  }

  /** Why the table's view could not be created, if it could not. */
  brokenReason(table: LakeTableLocation): string | undefined {
    return this.broken.get(table.name);
  }
}

function viewBody(table: LakeTableLocation, mirror: LakeMirror): string {
  const keys = [table.partitionKey, ...(table.subPartitionKeys ?? [])];
  const columns = table.columns.filter((column) => !keys.includes(column.name));
  if (mirror.filesOf(table).length === 0) {
    // read_parquet fails on a glob that matches nothing; an empty table reads as no rows.
    const nulls = columns.map(
      (c) => `CAST(NULL AS ${DUCKDB_TYPE[c.storage]}) AS ${quotedIdentifier(c.name)}`,
    );
    const keyNulls = keys.map((k) => `CAST(NULL AS VARCHAR) AS ${quotedIdentifier(k)}`);
    return `SELECT ${[...nulls, ...keyNulls].join(', ')} WHERE false`;
  }
  const casts = columns.map((c) => {
    const name = quotedIdentifier(c.name);
    return `CAST(${name} AS ${DUCKDB_TYPE[c.storage]}) AS ${name}`;
  });
  const glob = quotedString(`${mirror.tableDir(table)}/**/*.parquet`);
  // hive_types pins the partition columns to VARCHAR whatever their values look like: Glue's keys are strings.
  const types = keys.map((k) => `${quotedString(k)}: VARCHAR`).join(', ');
  const source = `read_parquet(${glob}, hive_partitioning = true, union_by_name = true, hive_types = {${types}})`;
  const keyColumns = keys.map((k) => `CAST(${quotedIdentifier(k)} AS VARCHAR) AS ${quotedIdentifier(k)}`);
  return `SELECT ${[...casts, ...keyColumns].join(', ')} FROM ${source}`;
}

/**
 * The lake tables a query reads, from DuckDB's own parser (json_serialize_sql, which parses
 * without binding: binding would expand the views and lose their names). Unqualified names
 * resolve to the query's database, as Athena does with QueryExecutionContext.Database. A CTE
 * named like a lake table is counted as that table.
 */
export async function referencedTables(
  connection: DuckDBConnection,
  sql: string,
  database: string,
  tables: readonly LakeTableLocation[],
): Promise<LakeTableLocation[]> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  const tree: unknown = JSON.parse(String(reader.getRowsJson()[0]?.[0] ?? '{}'));
  const found = new Set<LakeTableLocation>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const ref = node as Record<string, unknown>;
    if (ref.type === 'BASE_TABLE' && typeof ref.table_name === 'string') {
      const schema =
        typeof ref.schema_name === 'string' && ref.schema_name !== '' ? ref.schema_name : database;
      const table = tables.find((t) => t.name.toLowerCase() === String(ref.table_name).toLowerCase());
      if (table && schema.toLowerCase() === database.toLowerCase()) found.add(table);
    }
    Object.values(ref).forEach(visit);
  };
  visit(tree);
  return [...found];
}
