import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  categoryColumnSuffixes,
  featureQueries,
  queryParameters,
} from '#shared/domain/features/feature-queries';
import { FIXED_FEATURE_NAMES, featureVectorFor } from '#shared/domain/features/feature-vector';
import { handCheckedLake, openLake, PARAMS } from './lake-fixture';

describe('categoryColumnSuffixes', () => {
  it('slugs a category to lowercase letters, digits and underscores', () => {
    expect(
      categoryColumnSuffixes(['Garden', "Kid's Toys", '  Home & Garden  ', 'TV/Audio 4K', 'Food_2']),
    ).toEqual(['garden', 'kid_s_toys', 'home_garden', 'tv_audio_4k', 'food_2']);
  });

  it("falls back to 'category' when nothing is left", () => {
    expect(categoryColumnSuffixes(['!!!', 'Ñ', ''])).toEqual(['category', 'category_2', 'category_3']);
  });

  it('numbers colliding slugs in order of appearance', () => {
    expect(categoryColumnSuffixes(['Home & Garden', 'home garden', 'HOME-GARDEN'])).toEqual([
      'home_garden',
      'home_garden_2',
      'home_garden_3',
    ]);
  });

  it('keeps names unique even when a category is named like a numbered collision', () => {
    const suffixes = categoryColumnSuffixes(['a b', 'a_b', 'a_b_2']);
    expect(suffixes).toEqual(['a_b', 'a_b_2', 'a_b_2_2']);
    expect(new Set(suffixes).size).toBe(3);
  });

  it('gives names the feature vector recognises as category shares', () => {
    const columns = categoryColumnSuffixes(['Kid’s Toys', 'Über-Sale', 'x']).map((s) => `cat_share_${s}`);
    for (const name of columns) expect(name).toMatch(/^cat_share_[a-z0-9_]+$/);
    const fixed = featureVectorFor([...FIXED_FEATURE_NAMES, ...columns]);
    expect(fixed.names.slice(-3)).toEqual([...columns].sort());
  });
});

describe('queryParameters', () => {
  it('accepts a run id, an ISO date and a window in days', () => {
    expect(queryParameters.parse(PARAMS)).toEqual(PARAMS);
  });

  it('rejects a run id with a quote or other characters outside [A-Za-z0-9_-]', () => {
    for (const runId of ["r1'", "r1' OR '1'='1", 'r 1', 'r1;', '']) {
      expect(queryParameters.safeParse({ ...PARAMS, runId }).success).toBe(false);
    }
  });

  it('rejects a date that is not ISO or does not exist, and a window outside 1..365 days', () => {
    expect(queryParameters.safeParse({ ...PARAMS, asOf: '2026-02-30' }).success).toBe(false);
    expect(queryParameters.safeParse({ ...PARAMS, asOf: "2026-03-01' --" }).success).toBe(false);
    for (const responseWindowDays of [0, 366, 1.5]) {
      expect(queryParameters.safeParse({ ...PARAMS, responseWindowDays }).success).toBe(false);
    }
  });

  it('is applied by every query before any SQL is rendered', () => {
    const bad = { ...PARAMS, runId: "x' OR 1=1 --" };
    expect(() => featureQueries.topCategories(bad, 8)).toThrow(ZodError);
    expect(() => featureQueries.customerFeatures(bad, [])).toThrow(ZodError);
    expect(() => featureQueries.trainingSet(bad, [])).toThrow(ZodError);
    expect(() => featureQueries.offerEconomics(bad)).toThrow(ZodError);
    expect(() => featureQueries.channels(bad)).toThrow(ZodError);
    expect(() => featureQueries.datasetCounts(bad)).toThrow(ZodError);
  });
});

describe('featureQueries rendering', () => {
  it('renders the parameters into the SQL', () => {
    const sql = featureQueries.trainingSet({ ...PARAMS, responseWindowDays: 21 }, []);
    expect(sql).toContain("INTERVAL '21' DAY");
    expect(featureQueries.customerFeatures(PARAMS, [])).toContain(`DATE '${PARAMS.asOf}'`);
  });

  it('renders a whole-number category limit and refuses any other', () => {
    expect(featureQueries.topCategories(PARAMS, 8)).toMatch(/LIMIT 8\s*$/);
    for (const bad of [8.9, 0, 101, Number.NaN])
      expect(() => featureQueries.topCategories(PARAMS, bad)).toThrow();
  });

  it('adds one value and one share column per category, and none without categories', () => {
    const sql = featureQueries.customerFeatures(PARAMS, ['Garden', 'Food']);
    expect(sql.match(/AS cat_value_\w+/g)).toEqual(['AS cat_value_garden', 'AS cat_value_food']);
    expect(sql.match(/AS cat_share_\w+/g)).toEqual(['AS cat_share_garden', 'AS cat_share_food']);
    expect(featureQueries.customerFeatures(PARAMS, [])).not.toMatch(/cat_(value|share)_/);
  });

  it("doubles the quote of a category like Kid's Toys, and the SQL runs", async () => {
    const sql = featureQueries.customerFeatures(PARAMS, ["Kid's Toys"]);
    expect(sql).toContain("category = 'Kid''s Toys'");
    const lake = await openLake(handCheckedLake());
    try {
      const rows = await lake.rows(sql);
      expect(rows.map((r) => r.customer_id)).toEqual(['C1', 'C2', 'C3']);
      expect(rows[0]?.cat_share_kid_s_toys).toBeCloseTo(35 / 45, 12);
    } finally {
      lake.close();
    }
  });

  it('keeps a hostile category inside its string literal', async () => {
    const hostile = "x'); DROP TABLE customers; --";
    const lake = await openLake(handCheckedLake());
    try {
      const rows = await lake.rows(featureQueries.trainingSet(PARAMS, [hostile, '{{run_id}}']));
      expect(rows).toHaveLength(3);
      expect(Object.keys(rows[0] ?? {})).toEqual(
        expect.arrayContaining(['cat_share_x_drop_table_customers', 'cat_share_run_id']),
      );
      expect(await lake.rows('SELECT COUNT(*) AS n FROM customers')).toEqual([{ n: '5' }]);
    } finally {
      lake.close();
    }
  });
});

describe('month partition pruning', () => {
  // PARAMS.asOf is 2026-03-01: the year of lines before it starts 2025-03-02, the value window ends 2026-08-27.
  it('bounds every read of the transactions whose window is known by the month partition key', () => {
    const features = featureQueries.customerFeatures(PARAMS, ['Garden']);
    expect(features).toContain("t.month >= '2025-03' AND t.month <= '2026-03'");
    // Purchase days reach back to the first purchase (tenure): bounded above only.
    expect(features).toMatch(/t\.quantity > 0 AND t\.ts < [^\n]* AND t\.month <= '2026-03'\n/);
    expect(featureQueries.customerLabels(PARAMS)).toContain("t.month >= '2026-03' AND t.month <= '2026-08'");
    expect(featureQueries.topCategories(PARAMS, 5)).toContain("t.month <= '2026-03'");
    expect(featureQueries.branchPerformance(PARAMS)).toContain(
      "t.month >= '2025-09' AND t.month <= '2026-03'",
    );
    expect(featureQueries.coPurchase(PARAMS, { minBaskets: 1, limit: 10 })).toContain(
      "t.month >= '2025-03' AND t.month <= '2026-03'",
    );
    const snapshots = featureQueries.customerSnapshots(PARAMS, ['2025-12-01', '2025-09-02'], ['Garden']);
    expect(snapshots).toContain("t.month >= '2024-09' AND t.month <= '2025-12'");
    expect(snapshots).toContain("t.month >= '2025-09'");
    // Each contact is its own cut-off, unknown when the SQL is rendered: no month bound there,
    // unless the send window is known: then the lines of the months it needs only.
    expect(featureQueries.trainingSet(PARAMS, ['Garden'])).not.toContain('t.month');
    expect(
      featureQueries.trainingSet(PARAMS, ['Garden'], { first: '2025-09-02', last: '2025-12-01' }),
    ).toContain("t.month >= '2024-09' AND t.month <= '2025-12'");
    expect(() => featureQueries.trainingSet(PARAMS, [], { first: '2025-12-01', last: '2025-09-02' })).toThrow(
      ZodError,
    );
  });

  it('reads only the months it names: a line filed under another month is not seen', async () => {
    const lake = await openLake(handCheckedLake());
    try {
      const before = await lake.rows(featureQueries.customerFeatures(PARAMS, []));
      // L1 (C1, 2026-02-20) filed under a month after the cut-off, as if partitioned wrongly.
      await lake.connection.run("UPDATE transactions SET month = '2026-04' WHERE line_id = 'L1'");
      const after = await lake.rows(featureQueries.customerFeatures(PARAMS, []));
      const c1 = (rows: Record<string, unknown>[]) => rows.find((r) => r.customer_id === 'C1');
      expect(Number(c1(after)?.monetary_30)).toBe(Number(c1(before)?.monetary_30) - 20);
    } finally {
      lake.close();
    }
  });
});
