import { describe, expect, it } from 'vitest';
import { permutation, seededRandom, stratifiedSplit } from '../../../shared/domain/scoring/split';

function armsOf(rows: Int32Array, arm: Int32Array): number[] {
  const counts = [0, 0, 0];
  for (const row of rows) counts[arm[row] as number] = (counts[arm[row] as number] as number) + 1;
  return counts;
}

describe('permutation', () => {
  it('is a seeded permutation of 0..n-1', () => {
    const a = permutation(1000, seededRandom(5));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(permutation(1000, seededRandom(5))).toEqual(a);
    expect(permutation(1000, seededRandom(6))).not.toEqual(a);
  });
});

describe('stratifiedSplit', () => {
  // 600 control, 300 arm 1, 100 arm 2, interleaved.
  const arm = Int32Array.from({ length: 1000 }, (_, i) => (i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2));

  it('holds out the same share of every arm', () => {
    const { train, holdout } = stratifiedSplit(arm, 2, 0.2, 1);
    expect(armsOf(holdout, arm)).toEqual([120, 60, 20]);
    expect(armsOf(train, arm)).toEqual([480, 240, 80]);
  });

  it('uses every row exactly once', () => {
    const { train, holdout } = stratifiedSplit(arm, 2, 0.25, 1);
    const all = [...train, ...holdout].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('is reproducible from the seed and changes with it', () => {
    const a = stratifiedSplit(arm, 2, 0.2, 7);
    expect(stratifiedSplit(arm, 2, 0.2, 7)).toEqual(a);
    expect(stratifiedSplit(arm, 2, 0.2, 8).holdout).not.toEqual(a.holdout);
  });

  it('mixes the arms instead of returning them arm by arm', () => {
    const { train } = stratifiedSplit(arm, 2, 0.2, 1);
    const firstHundredArms = new Set(Array.from(train.subarray(0, 100), (row) => arm[row]));
    expect(firstHundredArms.size).toBe(3);
  });

  it('keeps at least one training row for a tiny arm', () => {
    const tiny = Int32Array.from([0, 0, 0, 0, 1]);
    const { train, holdout } = stratifiedSplit(tiny, 1, 0.5, 3);
    expect(armsOf(train, tiny)[1]).toBe(1);
    expect(armsOf(holdout, tiny)).toEqual([2, 0, 0]);
  });
});
