import type { DuckDBConnection } from '@duckdb/node-api';
import { rewriteCalls, sqlString, stringLiteralValue } from './sql-text';

/**
 * Everything that makes DuckDB answer Trino (Athena engine v3) SQL the way Athena would, in one
 * place. Only functions DuckDB lacks are added, so DuckDB built-ins that already match Trino
 * (date_diff on DATEs, date_trunc, COUNT(DISTINCT), FILTER, count_if, greatest, coalesce,
 * window functions, stddev_samp, ...) keep working. Known differences that are NOT papered over
 * (see shared/notes/local-aws-stack.md, section 4): date_diff on timestamps counts boundaries,
 * date_add(unit, n, x) is missing, date_trunc on a DATE returns a TIMESTAMP, SUM(int) is HUGEINT
 * (reported as bigint), and `cardinality` counts arrays only (not maps).
 */

/** Session settings: Trino integer division, and a UTC session like Athena's. */
const SESSION_SETTINGS = ['SET integer_division = true', "SET TimeZone = 'UTC'"];

/**
 * Trino functions DuckDB lacks, as connection-local (TEMP) macros so that they resolve whatever
 * the search path is.
 */
const TRINO_MACROS = [
  'approx_percentile(x, p) AS approx_quantile(x, p)',
  'approx_distinct(x) AS approx_count_distinct(x)',
  'regexp_like(s, pattern) AS regexp_matches(s, pattern)',
  // Trino is ISO: 1 = Monday .. 7 = Sunday; DuckDB's dayofweek is 0 = Sunday.
  'day_of_week(d) AS isodow(d)',
  'dow(d) AS isodow(d)',
  'day_of_year(d) AS dayofyear(d)',
  'doy(d) AS dayofyear(d)',
  'to_unixtime(ts) AS epoch(ts)',
  'from_unixtime(seconds) AS CAST(to_timestamp(seconds) AS TIMESTAMP)',
  'from_iso8601_date(s) AS CAST(s AS DATE)',
  'from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)',
  // Shadows DuckDB's map-only cardinality: arrays are what Trino SQL counts in practice.
  'cardinality(x) AS len(x)',
  'rand() AS random(), (n) AS CAST(floor(random() * n) AS BIGINT)',
];

/** Runs the settings and macros on `connection` (both are per connection in DuckDB). */
export async function applyTrinoCompat(connection: DuckDBConnection): Promise<void> {
  for (const statement of SESSION_SETTINGS) await connection.run(statement);
  for (const macro of TRINO_MACROS) await connection.run(`CREATE OR REPLACE TEMP MACRO ${macro}`);
}

/**
 * MySQL-style format tokens (Trino's date_parse/date_format) → DuckDB strptime / strftime
 * tokens. Tokens that DuckDB cannot express are absent, and using them fails the query.
 */
const FORMAT_TOKENS: Record<string, { parse: string; format: string }> = {
  a: { parse: '%a', format: '%a' },
  b: { parse: '%b', format: '%b' },
  c: { parse: '%m', format: '%-m' },
  d: { parse: '%d', format: '%d' },
  e: { parse: '%d', format: '%-d' },
  f: { parse: '%f', format: '%f' },
  H: { parse: '%H', format: '%H' },
  h: { parse: '%I', format: '%I' },
  I: { parse: '%I', format: '%I' },
  i: { parse: '%M', format: '%M' },
  j: { parse: '%j', format: '%j' },
  k: { parse: '%H', format: '%-H' },
  l: { parse: '%I', format: '%-I' },
  M: { parse: '%B', format: '%B' },
  m: { parse: '%m', format: '%m' },
  p: { parse: '%p', format: '%p' },
  r: { parse: '%I:%M:%S %p', format: '%I:%M:%S %p' },
  S: { parse: '%S', format: '%S' },
  s: { parse: '%S', format: '%S' },
  T: { parse: '%H:%M:%S', format: '%H:%M:%S' },
  W: { parse: '%A', format: '%A' },
  Y: { parse: '%Y', format: '%Y' },
  y: { parse: '%y', format: '%y' },
  '%': { parse: '%%', format: '%%' },
};

/** Converts a MySQL-style format string for DuckDB's strptime (`parse`) or strftime (`format`). */
export function convertDateFormat(mysqlFormat: string, direction: 'parse' | 'format'): string {
  let out = '';
  for (let i = 0; i < mysqlFormat.length; i++) {
    const c = mysqlFormat.charAt(i);
    if (c !== '%') {
      out += c;
      continue;
    }
    const token = mysqlFormat.charAt(i + 1);
    const mapped = FORMAT_TOKENS[token];
    if (!mapped) throw new Error(`date format token %${token} is not supported by local Athena`);
    out += mapped[direction];
    i++;
  }
  return out;
}

/**
 * Rewrites Trino calls that cannot be macros. DuckDB's strptime/strftime need a constant format,
 * and a macro cannot convert the format at bind time, so `date_parse(x, '<literal>')` and
 * `date_format(x, '<literal>')` are rewritten in the SQL text before DuckDB sees it.
 */
export function rewriteTrinoSql(sql: string): string {
  const withFormat = (duckFunction: string, direction: 'parse' | 'format') => (args: string[]) => {
    const [value, format] = args;
    const literal = args.length === 2 && format !== undefined ? stringLiteralValue(format) : undefined;
    if (value === undefined || literal === undefined) return undefined;
    return `${duckFunction}(${value}, ${sqlString(convertDateFormat(literal, direction))})`;
  };
  const parsed = rewriteCalls(sql, 'date_parse', withFormat('strptime', 'parse'));
  return rewriteCalls(parsed, 'date_format', withFormat('strftime', 'format'));
}
