import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { trainTLearner } from '../../../shared/domain/uplift/t-learner';
import { bestArmPolicy } from '../../../shared/domain/uplift/treatment-policy';
import { qiniAucScore } from '../../../shared/domain/uplift/uplift-metrics';
import { type UpliftTrainingSet, upliftOfArm } from '../../../shared/domain/uplift/uplift-model';

const FEATURES = 3;

/**
 * A randomised test with a planted effect: base visit rate ~10% driven by x1; arm 1 adds 15 points
 * when x0 > 0 and nothing otherwise; arm 2 adds 8 points for everyone. x2 is noise.
 */
function plantedCampaign(rows: number, seed: number): UpliftTrainingSet & { trueUplift: Float32Array } {
  const rng = xoroshiro128plus(seed);
  const features = new Float32Array(rows * FEATURES);
  const arm = new Int32Array(rows);
  const outcome = new Float32Array(rows);
  const trueUplift = new Float32Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    const x = [0, 1, 2].map(() => uniformFloat64(rng) * 2 - 1);
    features.set(x, r * FEATURES);
    const base = 1 / (1 + Math.exp(-(-2.2 + 0.8 * (x[1] as number))));
    trueUplift[r * 2] = (x[0] as number) > 0 ? 0.15 : 0;
    trueUplift[r * 2 + 1] = 0.08;
    const a = Math.floor(uniformFloat64(rng) * 3);
    arm[r] = a;
    const p = base + (a === 0 ? 0 : (trueUplift[r * 2 + a - 1] as number));
    outcome[r] = uniformFloat64(rng) < p ? 1 : 0;
  }
  return { rows, featureCount: FEATURES, features, arm, outcome, trueUplift };
}

describe('trainTLearner', () => {
  it('recovers a planted heterogeneous effect well enough to rank and to choose arms', async () => {
    const train = plantedCampaign(12_000, 1);
    const fresh = plantedCampaign(6_000, 2);
    const model = await trainTLearner(train, 2, {
      seed: 5,
      hiddenUnits: [8],
      epochs: 15,
      batchSize: 256,
      learningRate: 0.01,
      l2: 0,
    });
    try {
      const uplift = model.predictUplift(fresh.features, fresh.rows);
      const arm1 = upliftOfArm(uplift, 2, 1);
      // Predicted arm-1 uplift: high where x0 > 0, about nothing elsewhere.
      let high = 0;
      let low = 0;
      let highCount = 0;
      for (let r = 0; r < fresh.rows; r++) {
        if ((fresh.features[r * FEATURES] as number) > 0) {
          high += arm1[r] as number;
          highCount++;
        } else low += arm1[r] as number;
      }
      expect(high / highCount).toBeGreaterThan(0.1);
      expect(Math.abs(low / (fresh.rows - highCount))).toBeLessThan(0.04);

      // Ranked on fresh customers, arm 1's Qini beats a random ranking clearly.
      const rows = [...Array(fresh.rows).keys()].filter((r) => fresh.arm[r] !== 2);
      const qini = qiniAucScore(
        rows.map((r) => arm1[r] as number),
        rows.map((r) => fresh.outcome[r] as number),
        rows.map((r) => (fresh.arm[r] === 1 ? 1 : 0)),
      );
      expect(qini).toBeGreaterThan(0.1);

      // The policy sends arm 1 where it is worth 15 points and arm 2 (8 points) elsewhere.
      const chosen = bestArmPolicy(uplift, 2);
      let right = 0;
      for (let r = 0; r < fresh.rows; r++) {
        right += chosen[r] === ((fresh.features[r * FEATURES] as number) > 0 ? 1 : 2) ? 1 : 0;
      }
      expect(right / fresh.rows).toBeGreaterThan(0.8);
    } finally {
      model.dispose();
    }
  });

  it('is deterministic for a seed', async () => {
    const train = plantedCampaign(2_000, 3);
    const options = { seed: 9, hiddenUnits: [], epochs: 3, batchSize: 256, learningRate: 0.01, l2: 0 };
    const a = await trainTLearner(train, 2, options);
    const b = await trainTLearner(train, 2, options);
    try {
      expect(b.predictUplift(train.features.subarray(0, 50 * FEATURES), 50)).toEqual(
        a.predictUplift(train.features.subarray(0, 50 * FEATURES), 50),
      );
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe('bestArmPolicy', () => {
  it('picks the arm of highest positive uplift, control when none is positive, the lower arm on a tie', () => {
    // rows × arms uplifts: arm 2 best; arm 1 best; both negative; tie.
    const uplift = [0.01, 0.05, 0.03, -0.02, -0.01, -0.03, 0.02, 0.02];
    expect(Array.from(bestArmPolicy(uplift, 2))).toEqual([2, 1, 0, 1]);
    // With a cost of 0.025 per e-mail only the clear winners still get one.
    expect(Array.from(bestArmPolicy(uplift, 2, 0.025))).toEqual([2, 1, 0, 0]);
  });
});
