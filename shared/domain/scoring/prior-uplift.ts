import type { UpliftPredictor } from './uplift-importance';

/**
 * The uplift estimate for a history without a randomized control group: propensity × a prior uplift.
 *
 * Without controls nothing in the data says what a customer would have done uncontacted, so the
 * engine assumes that a share `u` of the responses a contact gets are caused by it (the rest would
 * have come anyway) and takes the customer's no-contact response to be (1 − u) × their mean
 * propensity over the actions they can be sent. An action's uplift is then its propensity minus that
 * baseline: u × the propensity where the actions respond alike, and more or less where the history
 * shows one offer, channel or discount drawing more responses than another (causal only as far as
 * the history assigned those among the treated at random).
 */

/**
 * A conservative default for `u`: randomized e-mail tests commonly measure a third of the treated
 * group's responses as incremental (Hillstrom: 0.35 of conversions, 0.30 of visits), and a prior that
 * overstates uplift spends budget on customers who would have bought anyway.
 */
export const DEFAULT_PRIOR_UPLIFT_SHARE = 0.1;

/** The no-contact response implied by a customer's propensities to respond to each action. */
export function baselineFromPropensity(propensities: ArrayLike<number>, priorUpliftShare: number): number {
  if (!(priorUpliftShare > 0 && priorUpliftShare < 1)) {
    throw new RangeError(`priorUpliftShare must be in (0, 1), got ${priorUpliftShare}`);
  }
  if (propensities.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < propensities.length; i++) sum += propensities[i] as number;
  return (1 - priorUpliftShare) * (sum / propensities.length);
}

/**
 * A propensity model (heads 1..arms trained on treated contacts only; head 0 never trained) seen as
 * an uplift model: column 0 is replaced by the baseline implied by the row's arm propensities.
 */
export function priorUpliftPredictor(propensity: UpliftPredictor, priorUpliftShare: number): UpliftPredictor {
  const heads = propensity.arms + 1;
  return {
    arms: propensity.arms,
    predict(features, rows) {
      const p = propensity.predict(features, rows);
      for (let r = 0; r < rows; r++) {
        p[r * heads] = baselineFromPropensity(p.subarray(r * heads + 1, (r + 1) * heads), priorUpliftShare);
      }
      return p;
    },
  };
}
