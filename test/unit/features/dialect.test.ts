import { describe, expect, it } from 'vitest';
import { featureQueries, loadSql, SQL_FILES } from '#shared/domain/features/feature-queries';
import { PARAMS } from './lake-fixture';

/**
 * The feature SQL must mean the same on Athena (Trino) and on DuckDB behind the local endpoint.
 * These checks look at the rendered text for the constructs listed in
 * shared/notes/local-aws-stack.md (section 4) as differing between the two engines.
 */

const QUERIES: Record<string, string> = {
  topCategories: featureQueries.topCategories(PARAMS, 8),
  customerFeatures: featureQueries.customerFeatures(PARAMS, ['Garden', "Kid's Toys"]),
  trainingSet: featureQueries.trainingSet(PARAMS, ['Garden', "Kid's Toys"]),
  trainingSetInSendWindow: featureQueries.trainingSet(PARAMS, ['Garden'], {
    first: '2025-09-01',
    last: '2026-03-01',
  }),
  sendWindow: featureQueries.sendWindow(PARAMS),
  offerEconomics: featureQueries.offerEconomics(PARAMS),
  channels: featureQueries.channels(PARAMS),
  sendHours: featureQueries.sendHours(PARAMS),
  datasetCounts: featureQueries.datasetCounts(PARAMS),
  customerLabels: featureQueries.customerLabels(PARAMS),
  branchPerformance: featureQueries.branchPerformance(PARAMS),
  customerSnapshots: featureQueries.customerSnapshots(PARAMS, ['2025-09-01', '2026-03-01'], ['Garden']),
  coPurchase: featureQueries.coPurchase(PARAMS, { minBaskets: 2, limit: 100 }),
};

/** The SQL without `--` comments (the rendered queries hold no `--` inside string literals). */
const code = (sql: string) => sql.replace(/--[^\n]*/g, '');

const NOT_PORTABLE: Record<string, RegExp> = {
  'date_add(unit, n, x): missing in DuckDB': /\bdate_add\s*\(/i,
  'approx_percentile: missing in DuckDB': /\bapprox_percentile\s*\(/i,
  'approx_distinct: missing in DuckDB': /\bapprox_distinct\s*\(/i,
  'day_of_week / dow: missing in DuckDB': /\b(day_of_week|dow)\s*\(/i,
  'extract(dow ...): 0 = Sunday in DuckDB, ISO in Trino': /\bextract\s*\(\s*(dow|isodow|day_of_week)\b/i,
  'date_format: MySQL tokens, missing in DuckDB': /\bdate_format\s*\(/i,
  'date_parse: MySQL tokens, missing in DuckDB': /\bdate_parse\s*\(/i,
  "DATE '…' ± n: an error in Trino": /\bDATE\s+'[^']*'\s*[-+]\s*\d/i,
  'DATE ± INTERVAL: a TIMESTAMP in DuckDB, a DATE in Trino': /\bas_of\s*[-+]\s*INTERVAL\b/i,
  '|| concatenation: fails on numbers in Trino': /\|\|/,
  'FILTER (WHERE …): avoided on purpose, use count_if / CASE': /\bFILTER\s*\(\s*WHERE\b/i,
  'date_trunc: a TIMESTAMP on DATE in DuckDB, a DATE in Trino': /\bdate_trunc\s*\(/i,
};

/** The arguments of every call of `fn` in `sql`, split at top-level commas. */
function callArguments(sql: string, fn: string): string[][] {
  const calls: string[][] = [];
  const pattern = new RegExp(`\\b${fn}\\s*\\(`, 'gi');
  for (let m = pattern.exec(sql); m; m = pattern.exec(sql)) {
    const args: string[] = [];
    let depth = 0;
    let current = '';
    let inString = false;
    for (let i = m.index + m[0].length; i < sql.length; i++) {
      const c = sql.charAt(i);
      if (c === "'") inString = !inString;
      if (!inString && c === '(') depth += 1;
      if (!inString && c === ')') {
        if (depth === 0) break;
        depth -= 1;
      }
      if (!inString && c === ',' && depth === 0) {
        args.push(current.trim());
        current = '';
        continue;
      }
      current += c;
    }
    args.push(current.trim());
    calls.push(args);
  }
  return calls;
}

describe('feature SQL: rendering', () => {
  for (const [name, sql] of Object.entries(QUERIES)) {
    it(`${name} leaves no {{placeholder}} behind and filters on the run`, () => {
      expect(sql).not.toMatch(/\{\{|\}\}/);
      expect(sql).toContain(`run_id = '${PARAMS.runId}'`);
    });
  }

  it('every SQL file is loaded from disk and is not empty', () => {
    for (const file of SQL_FILES) expect(loadSql(file).trim().length).toBeGreaterThan(0);
  });
});

describe('feature SQL: portable between Athena (Trino) and DuckDB', () => {
  for (const [name, sql] of Object.entries(QUERIES)) {
    it(`${name} avoids the constructs the two engines treat differently`, () => {
      const found = Object.entries(NOT_PORTABLE)
        .filter(([, pattern]) => pattern.test(code(sql)))
        .map(([why]) => why);
      expect(found).toEqual([]);
    });

    it(`${name}: date_diff only compares DATEs (on timestamps DuckDB counts day boundaries)`, () => {
      const isDate = (arg: string) =>
        /^CAST\(.*\bAS DATE\)$/is.test(arg) || /^(\w+\.)?(as_of|signup_date)$/.test(arg);
      for (const [unit, from, to] of callArguments(code(sql), 'date_diff')) {
        expect(unit).toBe("'day'");
        expect({ from, date: isDate(from ?? '') }).toEqual({ from, date: true });
        expect({ to, date: isDate(to ?? '') }).toEqual({ to, date: true });
      }
    });

    it(`${name}: every division has a DOUBLE on one side`, () => {
      // The integer columns of the lake and every COUNT/count_if are integers: a division needs
      // a CAST … AS DOUBLE or a money/price expression (DOUBLE columns) in it.
      const divisions = [...code(sql).matchAll(/([^\n]*?)\s\/\s([^\n]*)/g)].map((m) => m[0].trim());
      for (const line of divisions) {
        expect({ line, double: /AS DOUBLE|monetary_365|unit_cost|price/i.test(line) }).toEqual({
          line,
          double: true,
        });
      }
    });
  }

  it('the guard catches each construct it looks for', () => {
    const samples = [
      "date_add('day', 7, d)",
      'approx_percentile(x, 0.5)',
      'approx_distinct(x)',
      'day_of_week(d)',
      'EXTRACT(dow FROM d)',
      "date_format(ts, '%Y')",
      "date_parse(s, '%Y-%m-%d')",
      "DATE '2026-03-01' + 7",
      "s.as_of - INTERVAL '90' DAY",
      "'a' || 1",
      'COUNT(*) FILTER (WHERE x)',
      "date_trunc('month', d)",
    ];
    const caught = Object.values(NOT_PORTABLE).map((pattern) =>
      samples.some((sample) => pattern.test(sample)),
    );
    expect(caught).toEqual(Object.values(NOT_PORTABLE).map(() => true));
    expect(samples.every((sample) => Object.values(NOT_PORTABLE).some((p) => p.test(sample)))).toBe(true);
  });

  it('the argument parser of this guard finds the date_diff calls', () => {
    expect(callArguments("x date_diff('day', CAST(a AS DATE), f(b, c)) y", 'date_diff')).toEqual([
      ["'day'", 'CAST(a AS DATE)', 'f(b, c)'],
    ]);
    expect(callArguments(code(QUERIES.customerFeatures ?? ''), 'date_diff').length).toBeGreaterThanOrEqual(3);
  });
});
