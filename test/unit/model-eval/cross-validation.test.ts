import { describe, expect, it } from 'vitest';
import {
  foldsOf,
  meanAndSd,
  stratifiedFoldAssignment,
  stratifiedKFold,
  takeRows,
} from '#shared/domain/model-eval/cross-validation';
import { ModelEvalError } from '#shared/domain/model-eval/errors';

describe('stratifiedKFold', () => {
  const labels = Uint8Array.from({ length: 103 }, (_, i) => (i % 4 === 0 ? 1 : 0));

  it('puts every row in exactly one test fold and keeps each class share within one row', () => {
    const folds = stratifiedKFold(labels, 5, 42);
    const seen = new Array<number>(labels.length).fill(0);
    for (const fold of folds) {
      expect(fold.train.length + fold.test.length).toBe(labels.length);
      for (const row of fold.test) seen[row] = (seen[row] ?? 0) + 1;
      const positives = Array.from(fold.test).filter((r) => labels[r] === 1).length;
      expect(Math.abs(positives - 26 / 5)).toBeLessThan(1);
      expect(Math.abs(fold.test.length - 103 / 5)).toBeLessThan(1);
    }
    expect(seen.every((n) => n === 1)).toBe(true);
  });

  it('is reproducible from the seed and differs between seeds', () => {
    expect(stratifiedFoldAssignment(labels, 5, 42)).toEqual(stratifiedFoldAssignment(labels, 5, 42));
    expect(stratifiedFoldAssignment(labels, 5, 42)).not.toEqual(stratifiedFoldAssignment(labels, 5, 7));
  });

  it('lists train and test rows of an assignment', () => {
    const [first] = foldsOf(Int32Array.from([0, 1, 0, 1]), 2);
    expect(Array.from(first?.test ?? [])).toEqual([0, 2]);
    expect(Array.from(first?.train ?? [])).toEqual([1, 3]);
  });

  it('rejects fewer than 2 folds or fewer rows than folds', () => {
    expect(() => stratifiedKFold(labels, 1, 42)).toThrow(ModelEvalError);
    expect(() => stratifiedKFold([0, 1], 5, 42)).toThrow(ModelEvalError);
  });
});

describe('meanAndSd', () => {
  it('gives the mean and the n − 1 standard deviation', () => {
    const { mean, sd } = meanAndSd([1, 2, 3, 4]);
    expect(mean).toBe(2.5);
    expect(sd).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(meanAndSd([7])).toEqual({ mean: 7, sd: 0 });
  });
});

describe('takeRows', () => {
  it('copies the named rows in order', () => {
    const m = Float32Array.from([0, 1, 10, 11, 20, 21]);
    expect(Array.from(takeRows(m, 2, [2, 0]))).toEqual([20, 21, 0, 1]);
  });
});
