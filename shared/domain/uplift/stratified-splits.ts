import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { type Split, seededRandom, stratifiedSplit } from '../scoring/split';
import { UpliftError } from './errors';

const MAX_SEED = 0x7fffffff;

/**
 * `count` random train/holdout splits, each stratified on treatment × outcome: every (arm, outcome)
 * cell keeps the same holdout share, so a split cannot by chance hold out, say, few treated responders
 * and move the Qini of every model with it. Split i depends only on `seed` and i.
 *
 * @param arm 0 = control, 1..arms = treatment arm, per customer.
 * @param outcome 0/1 per customer.
 */
export function treatmentOutcomeSplits(
  arm: ArrayLike<number>,
  outcome: ArrayLike<number>,
  arms: number,
  options: { count: number; holdoutFraction: number; seed: number },
): Split[] {
  if (arm.length !== outcome.length) {
    throw new UpliftError(`arm has ${arm.length} entries but outcome ${outcome.length}`);
  }
  const strata = new Int32Array(arm.length);
  for (let i = 0; i < arm.length; i++) {
    const a = arm[i] as number;
    const y = outcome[i] as number;
    if (!(Number.isInteger(a) && a >= 0 && a <= arms) || (y !== 0 && y !== 1)) {
      throw new UpliftError(`row ${i} has arm ${a} and outcome ${y}; expected 0..${arms} and 0/1`);
    }
    strata[i] = a * 2 + y;
  }
  const rng = seededRandom(options.seed);
  return Array.from({ length: options.count }, () =>
    stratifiedSplit(strata, arms * 2 + 1, options.holdoutFraction, uniformInt(rng, 0, MAX_SEED)),
  );
}
