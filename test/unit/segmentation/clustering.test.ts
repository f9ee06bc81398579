import { describe, expect, it } from 'vitest';
import { countDistinct, fitKMeans } from '#shared/domain/segmentation/clustering';
import { seededSample } from '#shared/domain/segmentation/sampling';

describe('seededSample', () => {
  it('draws distinct, sorted, in-range indices, the same for the same seed', () => {
    const a = seededSample(1000, 50, 7);
    expect(a).toHaveLength(50);
    expect(new Set(a).size).toBe(50);
    expect(Array.from(a)).toEqual(Array.from(a).sort((x, y) => x - y));
    expect(a.every((i) => i >= 0 && i < 1000)).toBe(true);
    expect(seededSample(1000, 50, 7)).toEqual(a);
    expect(seededSample(1000, 50, 8)).not.toEqual(a);
  });

  it('returns the whole population when the sample is not smaller', () => {
    expect(Array.from(seededSample(4, 10, 1))).toEqual([0, 1, 2, 3]);
    expect(Array.from(seededSample(0, 10, 1))).toEqual([]);
  });
});

describe('countDistinct', () => {
  it('counts distinct rows and stops at the limit', () => {
    const points = [
      [0, 1],
      [0, 1],
      [1, 0],
      [2, 2],
      [2, 2],
    ];
    expect(countDistinct(points, 10)).toBe(3);
    expect(countDistinct(points, 2)).toBe(2);
    expect(countDistinct([], 5)).toBe(0);
  });
});

describe('fitKMeans', () => {
  const points = [
    [0, 0],
    [10, 10],
    [0, 1],
    [10, 11],
    [1, 0],
    [11, 10],
  ];

  it('separates two obvious groups, numbering clusters by first appearance', () => {
    const fit = fitKMeans(points, 2, 3, 100);
    expect(fit.k).toBe(2);
    expect(Array.from(fit.labels)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(fit.converged).toBe(true);
  });

  it('puts everything in cluster 0 when k is 1', () => {
    expect(Array.from(fitKMeans(points, 1, 3, 100).labels)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('gives one cluster per point when k equals the number of distinct points', () => {
    const fit = fitKMeans([[0], [5], [5], [9]], 3, 1, 100);
    expect(fit.k).toBe(3);
    expect(Array.from(fit.labels)).toEqual([0, 1, 1, 2]);
  });
});
