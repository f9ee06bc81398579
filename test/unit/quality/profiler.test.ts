import { describe, expect, it } from 'vitest';
import { Random } from '#shared/demo/random';
import { datasetProfile } from '#shared/domain/quality/profile-schema';
import { DatasetProfiler } from '#shared/domain/quality/profiler';
import {
  categoricalOf,
  col,
  columnOf,
  numericOf,
  profileOf,
  singleColumn,
  temporalOf,
  utc,
} from './fixtures';

const columns = [
  col('amount', 'double'),
  col('qty', 'int'),
  col('kind', 'string'),
  col('flag', 'boolean'),
  col('day', 'date'),
  col('at', 'timestamp'),
];

const rows = [
  { amount: 10, qty: 0, kind: 'a', flag: true, day: '2026-01-31', at: utc(2026, 3, 1, 14, 30) },
  { amount: 20, qty: -2, kind: 'b', flag: false, day: '2026-02-01', at: utc(2026, 3, 1, 9, 0) },
  { amount: null, qty: 3, kind: 'a', flag: true, day: '2026-02-15', at: null },
  { amount: 30, qty: 0, kind: 'c', flag: null, day: null, at: null },
  { amount: 40, qty: 5, kind: 'a', flag: true, day: '2025-12-31', at: utc(2026, 2, 28, 23, 59) },
];

describe('DatasetProfiler on a hand-made dataset', () => {
  const profile = profileOf('hand', columns, rows, { topK: 2 });

  it('counts rows and nulls per column', () => {
    expect(profile.rows).toBe(5);
    expect(profile.columns.map((c) => [c.name, c.kind, c.nulls, c.nullRate])).toEqual([
      ['amount', 'numeric', 1, 0.2],
      ['qty', 'numeric', 0, 0],
      ['kind', 'categorical', 0, 0],
      ['flag', 'categorical', 1, 0.2],
      ['day', 'temporal', 1, 0.2],
      ['at', 'temporal', 2, 0.4],
    ]);
  });

  it('gives min, max, mean, population std and type-7 quantiles of a double column', () => {
    const amount = numericOf(profile, 'amount');
    expect(amount).toMatchObject({ count: 4, min: 10, max: 40, mean: 25, zeros: 0, negatives: 0 });
    // deviations ±5, ±15: (25 + 25 + 225 + 225) / 4 = 125
    expect(amount.std).toBeCloseTo(Math.sqrt(125), 12);
    // position (n - 1) p over [10, 20, 30, 40], e.g. p25 → 0.75 → 10 + 0.75 × 10
    const q = amount.quantiles;
    expect(q?.p01).toBeCloseTo(10.3, 12);
    expect(q?.p05).toBeCloseTo(11.5, 12);
    expect(q?.p25).toBeCloseTo(17.5, 12);
    expect(q?.p50).toBeCloseTo(25, 12);
    expect(q?.p75).toBeCloseTo(32.5, 12);
    expect(q?.p95).toBeCloseTo(38.5, 12);
    expect(q?.p99).toBeCloseTo(39.7, 12);
    expect(amount.sample).toEqual([10, 20, 30, 40]);
  });

  it('counts zeros and negatives of an int column', () => {
    const qty = numericOf(profile, 'qty');
    expect(qty).toMatchObject({
      count: 5,
      min: -2,
      max: 5,
      zeros: 2,
      negatives: 1,
      sample: [-2, 0, 0, 3, 5],
    });
    expect(qty.mean).toBeCloseTo(1.2, 12);
    // squared deviations from 1.2: 1.44 + 10.24 + 3.24 + 1.44 + 14.44 = 30.8
    expect(qty.std).toBeCloseTo(Math.sqrt(30.8 / 5), 12);
    expect(qty.quantiles?.p50).toBe(0);
  });

  it('lists the top-K values with the rest as "other"', () => {
    expect(categoricalOf(profile, 'kind')).toEqual({
      distinct: 3,
      distinctExact: true,
      top: [
        { value: 'a', count: 3 },
        // b and c tie at 1; the tie goes to the smaller value
        { value: 'b', count: 1 },
      ],
      topExact: true,
      other: 1,
    });
    expect(categoricalOf(profile, 'flag')).toEqual({
      distinct: 2,
      distinctExact: true,
      top: [
        { value: 'true', count: 3 },
        { value: 'false', count: 1 },
      ],
      topExact: true,
      other: 0,
    });
  });

  it('gives dates their extremes, months and epoch-day numbers', () => {
    expect(temporalOf(profile, 'day')).toEqual({
      min: '2025-12-31',
      max: '2026-02-15',
      months: [
        { month: '2025-12', count: 1 },
        { month: '2026-01', count: 1 },
        { month: '2026-02', count: 2 },
      ],
      earlier: 0,
    });
    // 2026-01-01 is day 20454: 56 years of 365 days plus 14 leap days (1972 … 2024)
    const day = numericOf(profile, 'day');
    expect(day).toMatchObject({ count: 4, min: 20453, max: 20499, sample: [20453, 20484, 20485, 20499] });
    expect(day.mean).toBeCloseTo((20484 + 20485 + 20499 + 20453) / 4, 9);
  });

  it('gives timestamps their extremes and months, and fractional epoch days', () => {
    expect(temporalOf(profile, 'at')).toEqual({
      min: '2026-02-28T23:59:00',
      max: '2026-03-01T14:30:00',
      months: [
        { month: '2026-02', count: 1 },
        { month: '2026-03', count: 2 },
      ],
      earlier: 0,
    });
    const at = numericOf(profile, 'at');
    // 2026-03-01 is day 20454 + 31 + 28 = 20513; 14:30 is 14.5 / 24 of a day
    expect(at.max).toBeCloseTo(20513 + 14.5 / 24, 9);
    expect(at.min).toBeCloseTo(20512 + (23 * 60 + 59) / 1440, 9);
  });

  it('is a valid, JSON-serialisable profile', () => {
    expect(datasetProfile.parse(profile)).toEqual(profile);
    expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
    expect(profile.sampling).toEqual({
      seed: 1,
      sampleSize: 10_000,
      topK: 2,
      distinctCap: 10_000,
      monthCap: 120,
    });
  });
});

describe('DatasetProfiler edge cases', () => {
  it('treats a missing key as null and counts a wrongly typed value as invalid', () => {
    const profile = profileOf(
      'd',
      [col('n', 'int'), col('s', 'string'), col('d', 'date')],
      [
        { n: 1, s: 'x', d: '2026-01-01' },
        {},
        { n: 'seven', s: 7, d: 'yesterday' },
        { n: Number.NaN, s: true, d: 20000 },
      ],
    );
    expect(profile.columns.map((c) => [c.name, c.nulls, c.invalid])).toEqual([
      ['n', 1, 2],
      ['s', 1, 2],
      ['d', 1, 2],
    ]);
    expect(numericOf(profile, 'n')).toMatchObject({ count: 1, min: 1, max: 1 });
  });

  it('marks the distinct count as a lower bound past the cap and lists only tracked values seen twice', () => {
    const cat = categoricalOf(
      singleColumn('string', ['a', 'b', 'a', 'c', 'd', 'a', 'd'], { distinctCap: 3 }),
      'v',
    );
    // a, b and c took the counters; d came too late to be counted. a's count is exact.
    expect(cat).toEqual({
      distinct: 3,
      distinctExact: false,
      top: [{ value: 'a', count: 3 }],
      topExact: false,
      other: 4,
    });
  });

  it('stops counting a column that looks like an identifier: nothing repeated when the cap was reached', () => {
    const cat = categoricalOf(
      singleColumn('string', ['a', 'b', 'c', 'd', 'a', 'a'], { distinctCap: 3 }),
      'v',
    );
    expect(cat).toEqual({ distinct: 3, distinctExact: false, top: [], topExact: false, other: 6 });
  });

  it('keeps the exact count up to the cap', () => {
    const cat = categoricalOf(singleColumn('string', ['a', 'b', 'c', 'a'], { distinctCap: 3 }), 'v');
    expect(cat.distinct).toBe(3);
    expect(cat.distinctExact).toBe(true);
  });

  it('still finds a frequent value past the cap, never overstating its count', () => {
    const values = Array.from({ length: 150 }, (_, i) => (i % 3 === 0 ? 'x' : `u${i}`));
    const cat = categoricalOf(singleColumn('string', values, { distinctCap: 10 }), 'v');
    expect(cat.top[0]?.value).toBe('x');
    // Tracked from its first appearance, x is counted exactly.
    expect(cat.top[0]?.count).toBeLessThanOrEqual(50);
    expect(cat.top[0]?.count).toBeGreaterThanOrEqual(35);
    expect(cat.top.reduce((s, v) => s + v.count, cat.other)).toBe(150);
  });

  it('counts a long value under its prefix and a hash, keeping distinct values apart', () => {
    const long = (tail: string) => `{"notes":"${'x'.repeat(200)}","tail":"${tail}"}`;
    const cat = categoricalOf(singleColumn('string', [long('a'), long('a'), long('b'), 'short']), 'v');
    expect(cat.distinct).toBe(3);
    expect(cat.top.map((v) => v.count)).toEqual([2, 1, 1]);
    const [first] = cat.top;
    expect(first?.value.startsWith(long('a').slice(0, 100))).toBe(true);
    expect(first?.value).toMatch(/…#[0-9a-f]{16}$/);
    expect(cat.top.map((v) => v.value)).toContain('short');
  });

  it('keeps only the latest months and sums the older ones', () => {
    const temporal = temporalOf(
      singleColumn(
        'date',
        ['2025-10-05', '2025-11-05', '2025-11-06', '2026-01-01', '2025-12-31', '2026-01-02'],
        {
          monthCap: 2,
        },
      ),
      'v',
    );
    expect(temporal.months).toEqual([
      { month: '2025-12', count: 1 },
      { month: '2026-01', count: 2 },
    ]);
    expect(temporal.earlier).toBe(3);
    expect(temporal.min).toBe('2025-10-05');
  });

  it('profiles an empty dataset without NaN', () => {
    const profile = profileOf('empty', columns, []);
    expect(profile.rows).toBe(0);
    expect(numericOf(profile, 'amount')).toEqual({
      count: 0,
      min: null,
      max: null,
      mean: null,
      std: null,
      zeros: 0,
      negatives: 0,
      quantiles: null,
      sample: [],
    });
    expect(temporalOf(profile, 'day')).toEqual({ min: null, max: null, months: [], earlier: 0 });
    expect(datasetProfile.parse(profile)).toEqual(profile);
  });

  it('rounds double samples to 7 significant digits but keeps ints exact', () => {
    const profile = profileOf(
      'd',
      [col('x', 'double'), col('n', 'int')],
      [{ x: 1.23456789, n: 2_000_000_001 }],
    );
    expect(numericOf(profile, 'x').sample).toEqual([1.234568]);
    expect(numericOf(profile, 'x').max).toBe(1.23456789);
    expect(numericOf(profile, 'n').sample).toEqual([2_000_000_001]);
  });

  it('refuses a sample size that is not a positive whole number', () => {
    expect(() => new DatasetProfiler('d', columns, { seed: 1, sampleSize: 0 })).toThrow(RangeError);
    expect(() => new DatasetProfiler('d', columns, { seed: 1.5 })).toThrow(RangeError);
  });
});

describe('DatasetProfiler sampling', () => {
  function uniformRows(n: number, dataSeed: number) {
    const random = Random.stream(dataSeed, 'rows');
    return Array.from({ length: n }, () => ({ x: random.uniform(0, 100) }));
  }

  it('gives the same profile for the same seed and input', () => {
    const data = uniformRows(20_000, 5);
    const a = profileOf('d', [col('x', 'double')], data, { seed: 42, sampleSize: 500 });
    const b = profileOf('d', [col('x', 'double')], data, { seed: 42, sampleSize: 500 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('draws a different sample for another seed, with the same exact statistics', () => {
    const data = uniformRows(20_000, 5);
    const a = numericOf(profileOf('d', [col('x', 'double')], data, { seed: 1, sampleSize: 500 }), 'x');
    const b = numericOf(profileOf('d', [col('x', 'double')], data, { seed: 2, sampleSize: 500 }), 'x');
    expect(a.sample).toHaveLength(500);
    expect(a.sample).not.toEqual(b.sample);
    expect([a.count, a.min, a.max, a.mean]).toEqual([b.count, b.min, b.max, b.mean]);
  });

  it('samples the whole stream, not its beginning', () => {
    // 0 … 99,999 in order: a sample stuck on early rows would have a small mean and no late values.
    const profile = singleColumn(
      'int',
      Array.from({ length: 100_000 }, (_, i) => i),
      { sampleSize: 1000, seed: 9 },
    );
    const sample = numericOf(profile, 'v').sample;
    const mean = sample.reduce((s, v) => s + v, 0) / sample.length;
    expect(mean).toBeGreaterThan(45_000);
    expect(mean).toBeLessThan(55_000);
    // about 100 expected above 90,000
    expect(sample.filter((v) => v >= 90_000).length).toBeGreaterThan(50);
    expect(new Set(sample).size).toBe(1000);
  });

  it('stays bounded on 1,000,000 rows', () => {
    const random = Random.stream(3, 'big');
    const profiler = new DatasetProfiler(
      'big',
      [
        col('id', 'string'),
        col('channel', 'string'),
        col('quantity', 'int'),
        col('price', 'double'),
        col('flag', 'boolean'),
        col('day', 'date'),
        col('ts', 'timestamp'),
      ],
      { seed: 11 },
    );
    const start = utc(2024, 1, 1);
    const channels = ['online', 'app', 'store'];
    const days = Array.from({ length: 700 }, (_, d) =>
      new Date(start + d * 86_400_000).toISOString().slice(0, 10),
    );
    for (let i = 0; i < 1_000_000; i++) {
      const d = random.int(0, 699);
      profiler.add({
        id: `L${i}`,
        channel: channels[i % 3] ?? null,
        quantity: random.int(-5, 100),
        price: random.lognormal(20, 0.8),
        flag: random.chance(0.3),
        day: days[d] ?? null,
        ts: start + d * 86_400_000 + random.int(0, 86_399_999),
      });
    }
    const profile = profiler.profile();
    expect(profile.rows).toBe(1_000_000);
    for (const name of ['quantity', 'price', 'day', 'ts']) {
      expect(numericOf(profile, name).count).toBe(1_000_000);
      expect(numericOf(profile, name).sample).toHaveLength(10_000);
    }
    expect(categoricalOf(profile, 'id')).toMatchObject({ distinct: 10_000, distinctExact: false, top: [] });
    expect(categoricalOf(profile, 'channel').top).toHaveLength(3);
    expect(temporalOf(profile, 'ts').months.length).toBeLessThanOrEqual(24);
    const bytes = JSON.stringify(profile).length;
    expect(bytes).toBeLessThan(350_000);
    expect(columnOf(profile, 'flag').nulls).toBe(0);
  });
});
