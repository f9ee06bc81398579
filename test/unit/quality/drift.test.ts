import { describe, expect, it } from 'vitest';
import { Random } from '#shared/demo/random';
import {
  categoricalBins,
  columnDrift,
  decileEdges,
  driftBetween,
  PSI_EPSILON,
  populationStabilityIndex,
  psiOfShares,
  psiVerdict,
} from '#shared/domain/quality/drift';
import { categoricalOf, col, profileOf, repeat, singleColumn } from './fixtures';

function normals(dataSeed: number, mean: number, n = 50_000) {
  const random = Random.stream(dataSeed, 'normal');
  return singleColumn(
    'double',
    Array.from({ length: n }, () => random.normal(mean, 1)),
    { seed: 3 },
  );
}

function onlyColumn(report: ReturnType<typeof populationStabilityIndex>) {
  const [column] = report.columns;
  if (!column) throw new Error('no column in the drift report');
  return column;
}

describe('PSI arithmetic', () => {
  it('matches a hand calculation', () => {
    // (0.4 − 0.5) ln(0.4 / 0.5) + 0 + (0.3 − 0.2) ln(0.3 / 0.2) = 0.0223144 + 0.0405465
    const psi = psiOfShares([
      { reference: 0.5, current: 0.4 },
      { reference: 0.3, current: 0.3 },
      { reference: 0.2, current: 0.3 },
    ]);
    expect(psi).toBeCloseTo(0.0628609, 6);
  });

  it('replaces an empty bin by epsilon so the index stays finite', () => {
    const psi = psiOfShares([
      { reference: 0.5, current: 1 },
      { reference: 0.5, current: 0 },
    ]);
    // 0.5 ln 2 + (0.5 − 1e-4) ln(0.5 / 1e-4) = 0.3465736 + 4.2577446
    expect(PSI_EPSILON).toBe(1e-4);
    expect(Number.isFinite(psi)).toBe(true);
    expect(psi).toBeCloseTo(4.6043182, 5);
  });

  it('gives the customary verdicts', () => {
    expect(psiVerdict(0)).toBe('stable');
    expect(psiVerdict(0.0999)).toBe('stable');
    expect(psiVerdict(0.1)).toBe('moderate');
    expect(psiVerdict(0.25)).toBe('moderate');
    expect(psiVerdict(0.2501)).toBe('significant');
  });
});

describe('decile edges', () => {
  it('cuts 1 … 10 between every value', () => {
    expect(decileEdges([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('merges the bins of repeated values and never cuts at the maximum', () => {
    // deciles 1-8 all fall on a 1, the ninth on the 2; bins ≤1 (8), (1, 2] (1), > 2 (1)
    expect(decileEdges([1, 1, 1, 1, 1, 1, 1, 1, 2, 3])).toEqual([1, 2]);
    expect(decileEdges([1, 2, 3, 3, 3, 3, 3, 3, 3, 3])).toEqual([1, 2]);
  });

  it('keeps one edge for a constant sample so a move away still shows', () => {
    expect(decileEdges([5, 5, 5])).toEqual([5]);
    const psi = onlyColumn(
      populationStabilityIndex(singleColumn('int', [5, 5, 5]), singleColumn('int', [7, 7, 7])),
    );
    expect(psi.bins.map((b) => [b.label, b.reference, b.current])).toEqual([
      ['≤ 5', 1, 0],
      ['> 5', 0, 1],
    ]);
    expect(psi.verdict).toBe('significant');
  });
});

describe('populationStabilityIndex on numbers', () => {
  it('is about 0 for the same distribution', () => {
    const column = onlyColumn(populationStabilityIndex(normals(1, 0), normals(2, 0)));
    expect(column.status).toBe('compared');
    expect(column.bins).toHaveLength(10);
    expect(column.psi).toBeLessThan(0.02);
    expect(column.verdict).toBe('stable');
  });

  it('is exactly 0 for the same profile', () => {
    const profile = normals(1, 0, 5000);
    expect(onlyColumn(populationStabilityIndex(profile, profile)).psi).toBe(0);
  });

  it('flags a normal shifted by one standard deviation as significant', () => {
    const column = onlyColumn(populationStabilityIndex(normals(1, 0), normals(2, 1)));
    expect(column.psi).toBeGreaterThan(0.25);
    expect(column.verdict).toBe('significant');
  });

  it('calls a shift of 0.4 standard deviations moderate', () => {
    const column = onlyColumn(populationStabilityIndex(normals(1, 0), normals(2, 0.4)));
    expect(column.psi).toBeGreaterThan(0.1);
    expect(column.psi).toBeLessThan(0.25);
    expect(column.verdict).toBe('moderate');
  });

  it('matches a hand calculation on decile bins', () => {
    const reference = singleColumn('int', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const current = singleColumn('int', [1, 1, 3, 4, 5, 6, 7, 8, 9, 10]);
    const column = onlyColumn(populationStabilityIndex(reference, current));
    expect(column.bins.map((b) => b.label)).toEqual([
      '≤ 1',
      '1 – 2',
      '2 – 3',
      '3 – 4',
      '4 – 5',
      '5 – 6',
      '6 – 7',
      '7 – 8',
      '8 – 9',
      '> 9',
    ]);
    expect(column.bins.map((b) => b.current)).toEqual([0.2, 0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
    // (0.2 − 0.1) ln 2 + (1e-4 − 0.1) ln(1e-4 / 0.1) = 0.0693147 + 0.6900848
    expect(column.psi).toBeCloseTo(0.7593995, 6);
  });

  it('compares dates relative to as-of when given the gap between the batches', () => {
    // a 60-day window that moved on by 30 days with the calendar
    const window = (firstDay: number) =>
      singleColumn(
        'date',
        Array.from({ length: 60 }, (_, i) =>
          new Date((firstDay + i) * 86_400_000).toISOString().slice(0, 10),
        ),
      );
    const [asIs] = populationStabilityIndex(window(20_000), window(20_030)).columns;
    const [aligned] = populationStabilityIndex(window(20_000), window(20_030), { shiftDays: 30 }).columns;
    expect(asIs?.verdict).toBe('significant');
    expect(aligned?.psi).toBe(0);
    // numbers are not moved
    const [numbers] = populationStabilityIndex(
      singleColumn('int', [1, 2, 3]),
      singleColumn('int', [1, 2, 3]),
      {
        shiftDays: 30,
      },
    ).columns;
    expect(numbers?.psi).toBe(0);
  });

  it('bins dates on calendar days and labels them as dates', () => {
    const days = Array.from({ length: 10 }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')}`);
    const column = onlyColumn(
      populationStabilityIndex(singleColumn('date', days), singleColumn('date', days)),
    );
    expect(column.kind).toBe('temporal');
    expect(column.bins[0]?.label).toBe('≤ 2026-01-01');
    expect(column.bins[9]?.label).toBe('> 2026-01-09');
    expect(column.psi).toBe(0);
  });
});

describe('populationStabilityIndex on categories', () => {
  it('matches a hand calculation', () => {
    const reference = singleColumn('string', [...repeat('a', 50), ...repeat('b', 30), ...repeat('c', 20)]);
    const current = singleColumn('string', [...repeat('a', 40), ...repeat('b', 30), ...repeat('c', 30)]);
    const column = onlyColumn(populationStabilityIndex(reference, current));
    expect(column.bins).toEqual([
      { kind: 'value', label: 'a', reference: 0.5, current: 0.4 },
      { kind: 'value', label: 'b', reference: 0.3, current: 0.3 },
      { kind: 'value', label: 'c', reference: 0.2, current: 0.3 },
    ]);
    expect(column.psi).toBeCloseTo(0.0628609, 6);
    expect(column.verdict).toBe('stable');
  });

  it('puts a value the reference did not list into "other"', () => {
    const reference = singleColumn('string', [...repeat('a', 6), ...repeat('b', 3), 'c'], { topK: 2 });
    const current = singleColumn('string', [...repeat('a', 5), ...repeat('b', 3), 'new', 'new']);
    const column = onlyColumn(populationStabilityIndex(reference, current));
    expect(column.bins).toEqual([
      { kind: 'value', label: 'a', reference: 0.6, current: 0.5 },
      { kind: 'value', label: 'b', reference: 0.3, current: 0.3 },
      { kind: 'other', label: 'other values', reference: 0.1, current: 0.2 },
    ]);
  });

  it('gives a value that vanished an empty current bin when the current list is complete', () => {
    const column = onlyColumn(
      populationStabilityIndex(singleColumn('boolean', [true, false]), singleColumn('boolean', [true, true])),
    );
    expect(column.bins).toEqual([
      { kind: 'value', label: 'false', reference: 0.5, current: 0 },
      { kind: 'value', label: 'true', reference: 0.5, current: 1 },
    ]);
    expect(column.psi).toBeCloseTo(4.6043182, 5);
  });

  it('moves a reference value the current list does not show into "other" on both sides', () => {
    const reference = categoricalOf(singleColumn('string', ['a', 'a', 'a', 'b', 'b', 'c']), 'v');
    const current = categoricalOf(singleColumn('string', ['a', 'a', 'd', 'd', 'c', 'e'], { topK: 2 }), 'v');
    // b and c are in the current's "other" (it lists a and d only), so their current counts are unknown
    expect(categoricalBins(reference, current)).toEqual([
      { kind: 'value', label: 'a', reference: 3 / 6, current: 2 / 6 },
      { kind: 'other', label: 'other values', reference: 3 / 6, current: 4 / 6 },
    ]);
  });
});

describe('columns and datasets on one side only', () => {
  const before = profileOf(
    'customers',
    [col('id', 'string'), col('old', 'int'), col('x', 'int')],
    [
      { id: 'a', old: 1, x: 1 },
      { id: 'b', old: 2, x: null },
    ],
  );
  const after = profileOf(
    'customers',
    [col('id', 'string'), col('x', 'string'), col('added', 'double')],
    [
      { id: 'a', x: 'one', added: 1 },
      { id: 'b', x: 'two', added: null },
    ],
  );

  it('reports instead of crashing', () => {
    const report = populationStabilityIndex(before, after);
    expect(report.columns.map((c) => [c.column, c.status, c.psi])).toEqual([
      ['id', 'compared', 0],
      ['x', 'kind_changed', null],
      ['added', 'missing_in_reference', null],
      ['old', 'missing_in_current', null],
    ]);
    for (const column of report.columns) expect(columnDrift.parse(column)).toEqual(column);
  });

  it('reports the change in null rate', () => {
    const x = populationStabilityIndex(before, after).columns.find((c) => c.column === 'x');
    expect(x?.nullRate).toEqual({ reference: 0.5, current: 0, change: -0.5 });
  });

  it('has no data to compare for a column that is all null on one side', () => {
    const column = onlyColumn(
      populationStabilityIndex(singleColumn('int', [1, 2]), singleColumn('int', [null, null])),
    );
    expect(column).toMatchObject({ status: 'no_data', psi: null, verdict: null, nullRate: { change: 1 } });
  });

  it('lists datasets that only one run has', () => {
    const products = profileOf('products', [col('price', 'double')], [{ price: 1 }]);
    const offers = profileOf('offers', [col('pct', 'double')], [{ pct: 10 }]);
    const columns = driftBetween([before, products], [after, offers]);
    expect(
      columns.filter((c) => c.dataset !== 'customers').map((c) => [c.dataset, c.column, c.status]),
    ).toEqual([
      ['offers', 'pct', 'missing_in_reference'],
      ['products', 'price', 'missing_in_current'],
    ]);
  });
});
