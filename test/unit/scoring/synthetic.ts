import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { TrainingSet } from '../../../shared/domain/scoring/response-model';

export const SYNTHETIC_ARMS = 3;
export const SYNTHETIC_FEATURES = 6;

/** Control response probability: ~8% on average, driven by x1..x3 (x0 drives only arm 1's effect). */
export function baseProbability(x: ArrayLike<number>): number {
  const logit = -2.95 + 0.6 * (x[1] as number) - 0.4 * (x[2] as number) + 0.3 * (x[3] as number);
  return 1 / (1 + Math.exp(-logit));
}

/** The planted effect in probability points: arm 1 helps when x0 > 0 and hurts otherwise, arm 2 helps everyone. */
export function trueEffect(arm: number, x0: number): number {
  if (arm === 1) return x0 > 0 ? 0.1 : -0.04;
  if (arm === 2) return 0.05;
  return 0;
}

/**
 * A randomised campaign history with a known heterogeneous treatment effect: standard-normal features
 * (x5 standardises to a large scale on purpose, x4 is pure noise), arms assigned uniformly.
 */
export function syntheticTrainingSet(rows: number, seed: number): TrainingSet {
  const rng = xoroshiro128plus(seed);
  const normal = () => {
    // Box–Muller; 1 − u keeps the log argument in (0, 1].
    const u = 1 - uniformFloat64(rng);
    const v = uniformFloat64(rng);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const features = new Float32Array(rows * SYNTHETIC_FEATURES);
  const arm = new Int32Array(rows);
  const label = new Uint8Array(rows);
  for (let row = 0; row < rows; row++) {
    const x = features.subarray(row * SYNTHETIC_FEATURES, (row + 1) * SYNTHETIC_FEATURES);
    for (let f = 0; f < SYNTHETIC_FEATURES; f++) x[f] = normal();
    // An unscaled feature (think "spend in cents") checks that the model standardises its inputs.
    x[5] = 5000 + 1000 * (x[5] as number);
    const a = uniformInt(rng, 0, SYNTHETIC_ARMS);
    arm[row] = a;
    const p = Math.min(1, Math.max(0, baseProbability(x) + trueEffect(a, x[0] as number)));
    label[row] = uniformFloat64(rng) < p ? 1 : 0;
  }
  return { rows, featureCount: SYNTHETIC_FEATURES, features, arm, label };
}
