/**
 * How far a response model's uplift can be taken at its word, measured on held-out randomized
 * rows (regression calibration of the uplift).
 *
 * For a treated row of arm a, what the contact added to the outcome is estimated by y − p̂₀ (the
 * outcome less the model's own probability without contact), and the model claims p̂ₐ − p̂₀. The
 * least-squares slope through the origin of the first on the second is β: 1 when the claimed
 * uplift is right on average at every size, below 1 when large claimed uplifts are larger than
 * what happens. A network fitted to a few hundred contacts per arm claims too much at both ends,
 * and a plan that takes each customer's best of many actions picks exactly those ends; β × the
 * claimed uplift is the best linear guess of the true one.
 *
 * Scaling every uplift by the same β keeps each arm's ranking of customers, so it changes a plan
 * only where uplift is weighed against money: the contact and discount costs, and the budget's
 * share between cheap and dear actions.
 */

/** Below this the slope is not applied lower: one holdout's noise must not switch the uplift off. */
export const MIN_APPLIED_SLOPE = 0.5;

export interface UpliftSlope {
  /** The least-squares slope; null when no treated row has a non-zero predicted uplift. */
  readonly measured: number | null;
  /** Its standard error (heteroscedasticity-robust); null with `measured`. */
  readonly standardError: number | null;
  /** The factor the uplift is scaled by: `measured` within [MIN_APPLIED_SLOPE, 1], 1 when unmeasured. */
  readonly applied: number;
  readonly treatedRows: number;
}

/**
 * The uplift slope of predictions (rows × (arms + 1), column 0 = control) on rows whose `arm`
 * (0 = control) was assigned at random. Only treated rows enter: a control row has no claimed
 * uplift to check. Never above 1: a slope above 1 says the model claims too little, and widening
 * claims measured this noisily would add more error than it removes.
 */
export function upliftSlope(
  probabilities: Float32Array,
  arm: ArrayLike<number>,
  label: ArrayLike<number>,
  arms: number,
): UpliftSlope {
  const width = arms + 1;
  let cross = 0;
  let square = 0;
  let treatedRows = 0;
  for (let row = 0; row < arm.length; row++) {
    const a = arm[row] as number;
    if (a === 0) continue;
    treatedRows += 1;
    const control = probabilities[row * width] as number;
    const claimed = (probabilities[row * width + a] as number) - control;
    cross += claimed * ((label[row] as number) - control);
    square += claimed * claimed;
  }
  if (!(square > 0)) return { measured: null, standardError: null, applied: 1, treatedRows };
  const slope = cross / square;
  let spread = 0;
  for (let row = 0; row < arm.length; row++) {
    const a = arm[row] as number;
    if (a === 0) continue;
    const control = probabilities[row * width] as number;
    const claimed = (probabilities[row * width + a] as number) - control;
    const residual = (label[row] as number) - control - slope * claimed;
    spread += claimed * claimed * residual * residual;
  }
  return {
    measured: slope,
    standardError: Math.sqrt(spread) / square,
    applied: Math.min(1, Math.max(MIN_APPLIED_SLOPE, slope)),
    treatedRows,
  };
}

/** A treated probability with its uplift over `control` scaled by `slope`. */
export function scaledUplift(control: number, treated: number, slope: number): number {
  return control + slope * (treated - control);
}
