import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { UpliftError } from '../../../shared/domain/uplift/errors';
import { trainRiskUplift } from '../../../shared/domain/uplift/risk-uplift';
import { trainTLearner } from '../../../shared/domain/uplift/t-learner';
import { qiniAucScore } from '../../../shared/domain/uplift/uplift-metrics';
import { type UpliftTrainingSet, upliftOfArm } from '../../../shared/domain/uplift/uplift-model';

const FEATURES = 6;

/**
 * A randomised test whose arm-1 effect follows the risk-modified form: +2 points, +8 more for x0 = 1
 * (the "content match"), −30 points per unit of baseline risk p0 = σ(−1.6 + 0.9 x1 − 0.7 x2 + 0.4 x3).
 * Arm 2 adds 5 points to everyone. x4, x5 are noise.
 */
function riskCampaign(rows: number, seed: number): UpliftTrainingSet & { trueUplift: Float32Array } {
  const rng = xoroshiro128plus(seed);
  const features = new Float32Array(rows * FEATURES);
  const arm = new Int32Array(rows);
  const outcome = new Float32Array(rows);
  const trueUplift = new Float32Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    const x = [uniformFloat64(rng) < 0.5 ? 1 : 0, ...[1, 2, 3, 4, 5].map(() => uniformFloat64(rng) * 2 - 1)];
    features.set(x, r * FEATURES);
    const [x0, x1, x2, x3] = x as [number, number, number, number];
    const p0 = 1 / (1 + Math.exp(-(-1.6 + 0.9 * x1 - 0.7 * x2 + 0.4 * x3)));
    trueUplift[r * 2] = 0.02 + 0.08 * x0 - 0.3 * p0;
    trueUplift[r * 2 + 1] = 0.05;
    const a = Math.floor(uniformFloat64(rng) * 3);
    arm[r] = a;
    const p = p0 + (a === 0 ? 0 : (trueUplift[r * 2 + a - 1] as number));
    outcome[r] = uniformFloat64(rng) < p ? 1 : 0;
  }
  return { rows, featureCount: FEATURES, features, arm, outcome, trueUplift };
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += (a[i] as number) / n;
    mb += (b[i] as number) / n;
  }
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('trainRiskUplift', () => {
  const train = riskCampaign(60_000, 1);
  const fresh = riskCampaign(30_000, 2);

  it('recovers the planted effect coefficients and ranks fresh customers by their true uplift', () => {
    const model = trainRiskUplift(train, 2, { effectModifiers: [0] });
    const [alpha, beta, gamma] = model.effects[0] ?? [];
    expect(alpha).toBeCloseTo(0.02, 1);
    expect(beta).toBeGreaterThan(0.06);
    expect(beta).toBeLessThan(0.1);
    expect(gamma).toBeGreaterThan(-0.45);
    expect(gamma).toBeLessThan(-0.15);
    // Arm 2's effect is flat: no modifier, no risk slope worth the name.
    const [alpha2, beta2, gamma2] = model.effects[1] ?? [];
    expect(alpha2).toBeGreaterThan(0);
    expect(Math.abs(beta2 ?? 1)).toBeLessThan(0.035);
    expect(Math.abs(gamma2 ?? 1)).toBeLessThan(0.12);

    // The first stage is the control response: on fresh customers it tracks the planted p0.
    const p0 = model.predictBaselineRisk(fresh.features, fresh.rows);
    const plantedP0 = Array.from({ length: fresh.rows }, (_, r) => {
      const x = fresh.features.subarray(r * FEATURES, (r + 1) * FEATURES);
      return (
        1 / (1 + Math.exp(-(-1.6 + 0.9 * (x[1] as number) - 0.7 * (x[2] as number) + 0.4 * (x[3] as number))))
      );
    });
    expect(correlation(p0, plantedP0)).toBeGreaterThan(0.98);

    const uplift = upliftOfArm(model.predictUplift(fresh.features, fresh.rows), 2, 1);
    expect(correlation(uplift, upliftOfArm(fresh.trueUplift, 2, 1))).toBeGreaterThan(0.95);
  });

  it('ranks arm 1 better than a T-learner on the same rows', async () => {
    const arm1Qini = (uplift: Float32Array) => {
      const rows = [...Array(fresh.rows).keys()].filter((r) => fresh.arm[r] !== 2);
      const column = upliftOfArm(uplift, 2, 1);
      return qiniAucScore(
        rows.map((r) => column[r] as number),
        rows.map((r) => fresh.outcome[r] as number),
        rows.map((r) => (fresh.arm[r] === 1 ? 1 : 0)),
      );
    };
    const risk = trainRiskUplift(train, 2, { effectModifiers: [0] });
    const tLearner = await trainTLearner(train, 2, {
      seed: 3,
      hiddenUnits: [],
      epochs: 5,
      batchSize: 512,
      learningRate: 0.02,
      l2: 0,
    });
    try {
      const oracle = arm1Qini(fresh.trueUplift);
      const riskQini = arm1Qini(risk.predictUplift(fresh.features, fresh.rows));
      expect(riskQini).toBeGreaterThan(arm1Qini(tLearner.predictUplift(fresh.features, fresh.rows)));
      // Close to ranking by the true uplift itself.
      expect(riskQini).toBeGreaterThan(oracle - 0.01);
    } finally {
      tLearner.dispose();
    }
  });

  it('is deterministic and leaves its inputs untouched', () => {
    const small = riskCampaign(3_000, 3);
    const before = Float32Array.from(small.features);
    const a = trainRiskUplift(small, 2, { effectModifiers: [0, 4] });
    const b = trainRiskUplift(small, 2, { effectModifiers: [0, 4] });
    expect(b.effects).toEqual(a.effects);
    expect(a.effects[0]).toHaveLength(4);
    expect(small.features).toEqual(before);
  });

  it('rejects a modifier column that does not exist, an empty arm and a non-binary outcome', () => {
    const small = riskCampaign(3_000, 4);
    expect(() => trainRiskUplift(small, 2, { effectModifiers: [FEATURES] })).toThrow(UpliftError);
    expect(() => trainRiskUplift(small, 3, { effectModifiers: [0] })).toThrow(/arm 3 has no training rows/);
    const odd = { ...small, outcome: Float32Array.from(small.outcome, (y, i) => (i === 7 ? 0.5 : y)) };
    expect(() => trainRiskUplift(odd, 2, { effectModifiers: [0] })).toThrow(/row 7 has outcome 0.5/);
    expect(() =>
      trainRiskUplift(small, 2, { effectModifiers: [0] }).predictUplift(small.features, 10),
    ).toThrow(UpliftError);
  });
});
