import { describe, expect, it } from 'vitest';
import { ChurnModelError } from '#shared/domain/churn/errors';
import { pickThreshold } from '#shared/domain/churn/threshold';

describe('pickThreshold', () => {
  const probabilities = [0.9, 0.8, 0.7, 0.4, 0.3, 0.2];
  const labels = [1, 0, 1, 1, 0, 0];

  it('maximises F1 when beta is 1', () => {
    // Candidates: ≥0.9 P=1 R=1/3 F1=0.5; ≥0.8 P=1/2 R=1/3 F1=0.4; ≥0.7 P=2/3 R=2/3 F1=2/3;
    // ≥0.4 P=3/4 R=1 F1=6/7; ≥0.3 P=3/5 R=1 F1=0.75; ≥0.2 P=1/2 R=1 F1=2/3.
    const choice = pickThreshold(probabilities, labels, 1);
    expect(choice.threshold).toBe(0.4);
    expect(choice.fBeta).toBeCloseTo(6 / 7, 12);
    expect(choice.precision).toBeCloseTo(0.75, 12);
    expect(choice.recall).toBe(1);
  });

  it('flags more customers as beta weighs recall up', () => {
    // Flagging all: P=1/2, R=1; F2 = 5·0.5 / (4·0.5 + 1) = 5/6 beats ≥0.4's 5·0.75 / (3 + 1) = 15/16? no:
    // ≥0.4 gives F2 = 5·0.75·1 / (4·0.75 + 1) = 3.75 / 4 = 0.9375, the best; with β = 0.25 precision wins.
    expect(pickThreshold(probabilities, labels, 2).threshold).toBe(0.4);
    expect(pickThreshold(probabilities, labels, 0.25).threshold).toBe(0.9);
    const lowBase = pickThreshold([0.9, 0.5, 0.45, 0.1], [1, 1, 0, 1], 4);
    expect(lowBase.threshold).toBe(0.1);
  });

  it('flags tied probabilities together', () => {
    const choice = pickThreshold([0.5, 0.5, 0.2], [1, 0, 0], 1);
    expect(choice.threshold).toBe(0.5);
    expect(choice.precision).toBe(0.5);
  });

  it('rejects labels without a positive and a non-positive beta', () => {
    expect(() => pickThreshold([0.1, 0.2], [0, 0])).toThrow(ChurnModelError);
    expect(() => pickThreshold([0.1], [1], 0)).toThrow(ChurnModelError);
  });
});
