import { describe, expect, it } from 'vitest';
import { MIN_APPLIED_SLOPE, scaledUplift, upliftSlope } from '../../../shared/domain/scoring/uplift-slope';
import { mulberry32 } from '../allocation/fixtures';

const ARMS = 2;

/**
 * Randomized rows whose true uplift is `trueSlope` × the claimed one: arm 0, 1 or 2 in turn, a
 * control probability and a claimed uplift per arm drawn per row. With `draw` the outcome is a
 * Bernoulli draw of the true probability, else the probability itself (its expectation).
 */
function rows(count: number, trueSlope: number, draw?: () => number) {
  const rand = mulberry32(17);
  const probabilities = new Float32Array(count * (ARMS + 1));
  const arm = new Int32Array(count);
  const label = new Float64Array(count);
  for (let row = 0; row < count; row++) {
    const control = 0.05 + 0.2 * rand();
    probabilities[row * (ARMS + 1)] = control;
    for (let a = 1; a <= ARMS; a++) probabilities[row * (ARMS + 1) + a] = control + 0.2 * (rand() - 0.3);
    const a = row % (ARMS + 1);
    arm[row] = a;
    const claimed =
      (probabilities[row * (ARMS + 1) + a] as number) - (probabilities[row * (ARMS + 1)] as number);
    const truth = (probabilities[row * (ARMS + 1)] as number) + trueSlope * claimed;
    label[row] = draw ? Number(draw() < truth) : truth;
  }
  return { probabilities, arm, label };
}

describe('upliftSlope', () => {
  it('recovers the slope of the true uplift on the claimed one from expected outcomes', () => {
    for (const trueSlope of [0.6, 0.8, 1]) {
      const { probabilities, arm, label } = rows(3_000, trueSlope);
      const slope = upliftSlope(probabilities, arm, label, ARMS);
      expect(slope.measured).toBeCloseTo(trueSlope, 5);
      expect(slope.standardError).toBeCloseTo(0, 5);
      expect(slope.applied).toBeCloseTo(trueSlope, 5);
      expect(slope.treatedRows).toBe(2_000);
    }
  });

  it('measures it from drawn outcomes within its standard error', () => {
    const rand = mulberry32(99);
    const { probabilities, arm, label } = rows(60_000, 0.7, rand);
    const slope = upliftSlope(probabilities, arm, label, ARMS);
    const error = slope.standardError as number;
    expect(error).toBeGreaterThan(0.005);
    expect(error).toBeLessThan(0.1);
    expect(Math.abs((slope.measured as number) - 0.7)).toBeLessThan(3 * error);
  });

  it('reads treated rows only: control outcomes do not move it', () => {
    const { probabilities, arm, label } = rows(3_000, 0.8);
    const flipped = label.map((y, row) => (arm[row] === 0 ? 1 - y : y));
    expect(upliftSlope(probabilities, arm, flipped, ARMS).measured).toBeCloseTo(0.8, 5);
  });

  it('applies a slope above 1 as 1 and one below the floor at the floor', () => {
    const above = rows(3_000, 1.4);
    expect(upliftSlope(above.probabilities, above.arm, above.label, ARMS)).toMatchObject({ applied: 1 });
    expect(upliftSlope(above.probabilities, above.arm, above.label, ARMS).measured).toBeCloseTo(1.4, 5);
    const below = rows(3_000, 0.2);
    expect(upliftSlope(below.probabilities, below.arm, below.label, ARMS).applied).toBe(MIN_APPLIED_SLOPE);
  });

  it('is unmeasured, and applies 1, without a treated row or without a claimed uplift', () => {
    const onlyControl = upliftSlope(new Float32Array([0.1, 0.2, 0.3]), [0], [1], ARMS);
    expect(onlyControl).toEqual({ measured: null, standardError: null, applied: 1, treatedRows: 0 });
    const flat = upliftSlope(new Float32Array([0.1, 0.1, 0.1, 0.2, 0.2, 0.2]), [1, 2], [1, 0], ARMS);
    expect(flat).toEqual({ measured: null, standardError: null, applied: 1, treatedRows: 2 });
  });
});

describe('scaledUplift', () => {
  it('scales what a treated probability adds over control', () => {
    expect(scaledUplift(0.1, 0.3, 1)).toBeCloseTo(0.3, 12);
    expect(scaledUplift(0.1, 0.3, 0.5)).toBeCloseTo(0.2, 12);
    expect(scaledUplift(0.2, 0.1, 0.5)).toBeCloseTo(0.15, 12);
  });
});
