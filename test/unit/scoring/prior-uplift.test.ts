import { describe, expect, it } from 'vitest';
import { baselineFromPropensity, priorUpliftPredictor } from '#shared/domain/scoring/prior-uplift';

describe('baselineFromPropensity', () => {
  it("is (1 − u) × the customer's mean propensity over the actions", () => {
    expect(baselineFromPropensity([0.1, 0.3], 0.25)).toBeCloseTo(0.15, 12);
    expect(baselineFromPropensity(new Float32Array([0.2]), 0.1)).toBeCloseTo(0.18, 7);
    expect(baselineFromPropensity([], 0.1)).toBe(0);
  });

  it('gives every action an uplift of u × its propensity when the actions respond alike', () => {
    expect(0.2 - baselineFromPropensity([0.2, 0.2, 0.2], 0.1)).toBeCloseTo(0.1 * 0.2, 12);
  });

  it('rejects a share outside (0, 1)', () => {
    for (const u of [0, 1, -0.1, Number.NaN]) {
      expect(() => baselineFromPropensity([0.1], u)).toThrow(/priorUpliftShare must be in \(0, 1\)/);
    }
  });
});

describe('priorUpliftPredictor', () => {
  it("replaces each row's control column with the baseline of its arm propensities, and keeps the arms", () => {
    // Two rows, two arms: column 0 is an untrained control head the wrapper must not pass through.
    const propensity = {
      arms: 2,
      predict: (_features: Float32Array, rows: number) =>
        Float32Array.from({ length: rows * 3 }, (_, i) => [0.99, 0.1, 0.3, 0.99, 0.4, 0.4][i] ?? 0),
    };
    const p = priorUpliftPredictor(propensity, 0.5).predict(new Float32Array(2), 2);
    expect(Array.from(p)).toEqual([
      expect.closeTo(0.1, 6),
      expect.closeTo(0.1, 6),
      expect.closeTo(0.3, 6),
      expect.closeTo(0.2, 6),
      expect.closeTo(0.4, 6),
      expect.closeTo(0.4, 6),
    ]);
  });
});
