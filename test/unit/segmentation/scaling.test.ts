import { describe, expect, it } from 'vitest';
import { rfmFeatures, standardize } from '#shared/domain/segmentation/scaling';

describe('rfmFeatures', () => {
  it('log1p-scales each value and floors negative revenue at 0', () => {
    expect(rfmFeatures(0, 0, -50)).toEqual([0, 0, 0]);
    const [r, f, m] = rfmFeatures(Math.E - 1, Math.E ** 2 - 1, 99);
    expect(r).toBeCloseTo(1, 12);
    expect(f).toBeCloseTo(2, 12);
    expect(m).toBeCloseTo(Math.log(100), 12);
  });
});

describe('standardize', () => {
  it('z-scores each column with the population standard deviation', () => {
    const { rows, mean, scale } = standardize([
      [1, 10],
      [2, 20],
      [3, 60],
    ]);
    expect(mean).toEqual([2, 30]);
    expect(scale[0]).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(scale[1]).toBeCloseTo(Math.sqrt(1400 / 3), 12);
    expect(rows.map((r) => r[0])).toEqual([-1 / Math.sqrt(2 / 3), 0, 1 / Math.sqrt(2 / 3)]);
    expect(rows.reduce((s, r) => s + (r[1] ?? 0), 0)).toBeCloseTo(0, 12);
  });

  it('maps a constant column to 0 with scale 1 instead of dividing by zero', () => {
    const { rows, scale } = standardize([
      [0.1, 5],
      [0.1, 7],
      [0.1, 9],
    ]);
    expect(scale[0]).toBe(1);
    expect(rows.map((r) => r[0])).toEqual([0, 0, 0]);
    expect(rows.every((r) => r.every(Number.isFinite))).toBe(true);
  });

  it('returns nothing for no rows and does not mutate its input', () => {
    expect(standardize([]).rows).toEqual([]);
    const input = [
      [1, 2],
      [3, 4],
    ];
    standardize(input);
    expect(input).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});
