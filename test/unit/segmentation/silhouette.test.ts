import { describe, expect, it } from 'vitest';
import { meanSilhouette } from '#shared/domain/segmentation/silhouette';

describe('meanSilhouette', () => {
  it('matches a hand computation on two 1-D pairs', () => {
    // Outer points: a = 1, b = 10.5 -> 9.5 / 10.5. Inner points: a = 1, b = 9.5 -> 8.5 / 9.5.
    const expected = (19 / 21 + 17 / 19) / 2;
    expect(meanSilhouette([[0], [1], [10], [11]], [0, 0, 1, 1], 2)).toBeCloseTo(expected, 12);
  });

  it('is negative when the labelling mixes the natural groups', () => {
    expect(meanSilhouette([[0], [1], [10], [11]], [0, 1, 0, 1], 2)).toBeLessThan(0);
  });

  it('uses Euclidean distance across dimensions', () => {
    // 3-4-5 triangle: the pair distance is 5, not 7 (L1) or 25 (squared).
    const s = meanSilhouette(
      [
        [0, 0],
        [0, 0],
        [3, 4],
        [3, 4],
      ],
      [0, 0, 1, 1],
      2,
    );
    expect(s).toBe(1);
  });

  it('scores a point alone in its cluster as 0', () => {
    // Points 0 and 1: a = 1, b = 10 and 9 -> 0.9 and 8/9; the singleton contributes 0.
    const expected = (0.9 + 8 / 9 + 0) / 3;
    expect(meanSilhouette([[0], [1], [10]], [0, 0, 1], 2)).toBeCloseTo(expected, 12);
  });

  it('is 0 for a single cluster, an empty input, or all-identical points', () => {
    expect(meanSilhouette([[0], [1], [2]], [0, 0, 0], 1)).toBe(0);
    expect(meanSilhouette([], [], 3)).toBe(0);
    expect(meanSilhouette([[1], [1], [1], [1]], [0, 0, 1, 1], 2)).toBe(0);
  });

  it('ignores cluster ids that have no points in the sample', () => {
    expect(meanSilhouette([[0], [1], [10], [11]], [0, 0, 2, 2], 3)).toBeCloseTo((19 / 21 + 17 / 19) / 2, 12);
  });
});
