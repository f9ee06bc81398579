import { type DuckDBType, DuckDBTypeId } from '@duckdb/node-api';
import type { AthenaColumn } from './athena-types';

interface AthenaTypeInfo {
  type: string;
  precision: number;
  scale: number;
}

/**
 * DuckDB result types → the Athena type names GetQueryResults reports, with the precision Athena
 * gives them. HUGEINT (DuckDB's SUM of integers) and the unsigned types map to bigint, because
 * that is what the same SQL yields in Athena.
 */
function athenaTypeOf(type: DuckDBType): AthenaTypeInfo {
  const simple = (name: string, precision = 0, scale = 0) => ({ type: name, precision, scale });
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
      return simple('varchar', 2147483647);
    case DuckDBTypeId.BOOLEAN:
      return simple('boolean');
    case DuckDBTypeId.TINYINT:
      return simple('tinyint', 3);
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return simple('smallint', 5);
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return simple('integer', 10);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return simple('bigint', 19);
    case DuckDBTypeId.FLOAT:
      return simple('real', 7);
    case DuckDBTypeId.DOUBLE:
      return simple('double', 17);
    case DuckDBTypeId.DECIMAL:
      return simple('decimal', type.width, type.scale);
    case DuckDBTypeId.DATE:
      return simple('date');
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return simple('timestamp', 3);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return simple('timestamp with time zone', 3);
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_NS:
      return simple('time', 3);
    case DuckDBTypeId.INTERVAL:
      return simple('interval day to second');
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return simple('array');
    case DuckDBTypeId.STRUCT:
      return simple('row');
    case DuckDBTypeId.MAP:
      return simple('map');
    case DuckDBTypeId.BLOB:
      return simple('varbinary', 2147483647);
    case DuckDBTypeId.UUID:
      return simple('uuid');
    default:
      return simple('varchar', 2147483647);
  }
}

/** Athena's ColumnInfo for one result column. */
export function athenaColumn(name: string, type: DuckDBType): AthenaColumn {
  const info = athenaTypeOf(type);
  return { name, ...info, caseSensitive: info.type === 'varchar' };
}

/**
 * SQL turning `column` (of DuckDB type `type`) into the text Athena writes for it, NULL staying
 * NULL: timestamps with milliseconds (`2026-03-01 14:30:00.000`), dates as `2026-03-01`,
 * booleans as `true`/`false`, numbers as DuckDB prints them. The session time zone is UTC.
 */
export function athenaTextSql(column: string, type: DuckDBType): string {
  const timestamp = `strftime(CAST(${column} AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%g')`;
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR:
      return column;
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return timestamp;
    case DuckDBTypeId.TIMESTAMP_TZ:
      return `${timestamp} || ' UTC'`;
    default:
      return `CAST(${column} AS VARCHAR)`;
  }
}

/**
 * Types DuckDB's CSV writer writes exactly as `CAST(x AS VARCHAR)` does, which is Athena's text for
 * them: the export skips the cast, which on a wide numeric result costs as much as the writing.
 */
const CSV_AS_TEXT = new Set<DuckDBTypeId>([
  DuckDBTypeId.VARCHAR,
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.DATE,
]);

export function writesAsAthenaText(type: DuckDBType): boolean {
  return CSV_AS_TEXT.has(type.typeId);
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Result column names as Athena (Trino) reports them: an unquoted name lower-cased, a quoted one
 * as written, and `_col<i>` for an expression without an alias. DuckDB names such a column after
 * the expression text (`count_star()`, `(7 // 2)`), so a name that is neither a plain identifier
 * nor quoted somewhere in the SQL is taken to be one.
 */
export function athenaColumnNames(duckdbNames: readonly string[], sql: string): string[] {
  return duckdbNames.map((name, index) => {
    if (sql.includes(`"${name.replaceAll('"', '""')}"`)) return name;
    return PLAIN_NAME.test(name) ? name.toLowerCase() : `_col${index}`;
  });
}
