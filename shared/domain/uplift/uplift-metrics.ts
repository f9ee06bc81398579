/**
 * Uplift metrics exactly as scikit-uplift 0.5 (`sklift.metrics`) computes them, so that figures here
 * compare with published ones, plus the inverse-propensity value of a treatment policy.
 */
import { type QiniCurve, qiniCurve } from '../scoring/metrics';
import { UpliftError } from './errors';

function trapezoid(curve: QiniCurve): number {
  let area = 0;
  for (let i = 1; i < curve.x.length; i++) {
    const dx = (curve.x[i] as number) - (curve.x[i - 1] as number);
    area += (dx * ((curve.y[i] as number) + (curve.y[i - 1] as number))) / 2;
  }
  return area;
}

function countTreated(treated: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < treated.length; i++) count += treated[i] === 1 ? 1 : 0;
  return count;
}

/**
 * scikit-uplift's `perfect_qini_curve(y_true, treatment, negative_effect)`.
 *
 * With negative effects (sklift's default) it is the Qini curve of the oracle score
 * y·t − y·(1 − t): treated responders first (+1), then everyone who did not respond (0, one tie
 * group, so one point), control responders last (−1). Without, it is the polyline
 * (0, 0) → (R, R) → (n, R), R being the incremental responders over everyone.
 */
export function perfectQiniCurve(
  labels: ArrayLike<number>,
  treated: ArrayLike<number>,
  negativeEffect: boolean,
): QiniCurve {
  const n = labels.length;
  if (negativeEffect) {
    const oracle = Array.from({ length: n }, (_, i) =>
      treated[i] === 1 ? (labels[i] as number) : -(labels[i] as number),
    );
    return qiniCurve(oracle, labels, treated);
  }
  const incremental = qiniCurve(new Float64Array(n), labels, treated).y.at(-1) ?? 0;
  return { x: [0, incremental, n], y: [0, incremental, incremental] };
}

/**
 * The Qini coefficient as scikit-uplift 0.5 `qini_auc_score(y_true, uplift, treatment,
 * negative_effect=True)` computes it: (area under the model's Qini curve − area under the straight
 * line from (0, 0) to (n, R)) / (the same for `perfectQiniCurve`), areas by the trapezoid rule and
 * tied scores entering the curve together (see `qiniCurve`). Note the argument order follows this
 * repo's metrics (scores first), not sklift's.
 *
 * `negativeEffect` defaults to true, sklift's default: the perfect curve then also ranks control
 * responders last, which makes its area larger and the coefficient smaller than the repo's older
 * `qiniCoefficient`, which is the same formula with `negativeEffect: false`.
 *
 * NaN where sklift divides by zero or raises: no treated or no control customers, a perfect curve no
 * better than random, or (without negative effects) R < 0, where the perfect polyline runs backwards.
 */
export function qiniAucScore(
  uplift: ArrayLike<number>,
  labels: ArrayLike<number>,
  treated: ArrayLike<number>,
  options: { negativeEffect?: boolean } = {},
): number {
  const negativeEffect = options.negativeEffect ?? true;
  const actual = qiniCurve(uplift, labels, treated);
  const treatedCount = countTreated(treated);
  if (treatedCount === 0 || treatedCount === labels.length) return Number.NaN;
  const perfect = perfectQiniCurve(labels, treated, negativeEffect);
  const n = perfect.x.at(-1) ?? 0;
  const incremental = perfect.y.at(-1) ?? 0;
  if (!negativeEffect && incremental < 0) return Number.NaN;
  const baseline = (n * incremental) / 2;
  const perfectGain = trapezoid(perfect) - baseline;
  if (!(perfectGain !== 0)) return Number.NaN;
  return (trapezoid(actual) - baseline) / perfectGain;
}

/** How `upliftAtK` picks its top k: sklift's `strategy` argument. */
export type UpliftAtKStrategy = 'overall' | 'by_group';

/**
 * scikit-uplift 0.5 `uplift_at_k(y_true, uplift, treatment, strategy, k)` for a fraction k in (0, 1):
 * response rate of the treated minus that of the control customers among the top by predicted uplift.
 * 'overall' takes the top ⌊n·k⌋ of everyone; 'by_group' the top ⌊k·count⌋ of each group separately.
 * Ties are broken as sklift's reversed stable sort does: the later row first. NaN when the top holds
 * no treated or no control customer (numpy's mean of nothing).
 */
export function upliftAtK(
  uplift: ArrayLike<number>,
  labels: ArrayLike<number>,
  treated: ArrayLike<number>,
  options: { k?: number; strategy?: UpliftAtKStrategy } = {},
): number {
  const k = options.k ?? 0.3;
  const strategy = options.strategy ?? 'overall';
  const n = uplift.length;
  if (labels.length !== n || treated.length !== n) {
    throw new UpliftError(
      `upliftAtK: inputs have different lengths (${n}, ${labels.length}, ${treated.length})`,
    );
  }
  if (!(k > 0 && k < 1)) throw new UpliftError(`upliftAtK: k must be a fraction in (0, 1), got ${k}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(uplift[i])) throw new UpliftError(`upliftAtK: uplift[${i}] is ${uplift[i]}`);
    if ((labels[i] !== 0 && labels[i] !== 1) || (treated[i] !== 0 && treated[i] !== 1)) {
      throw new UpliftError(
        `upliftAtK: row ${i} has label ${labels[i]}, treated ${treated[i]}; expected 0 or 1`,
      );
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (uplift[b] as number) - (uplift[a] as number) || b - a,
  );
  const treatedCount = countTreated(treated);
  const take = [Math.floor((n - treatedCount) * k), Math.floor(treatedCount * k)];
  const overall = Math.floor(n * k);
  const responders = [0, 0];
  const counts = [0, 0];
  for (let rank = 0; rank < n; rank++) {
    const row = order[rank] as number;
    const group = treated[row] as 0 | 1;
    if (strategy === 'overall' ? rank >= overall : (counts[group] as number) >= (take[group] as number)) {
      if (strategy === 'overall') break;
      continue;
    }
    counts[group] = (counts[group] as number) + 1;
    responders[group] = (responders[group] as number) + (labels[row] as number);
  }
  const rate = (group: 0 | 1) => (responders[group] as number) / (counts[group] as number);
  return rate(1) - rate(0);
}

/** Share of each arm (0 = control .. arms) among `arm`: the randomisation probabilities, estimated. */
export function armShares(arm: ArrayLike<number>, arms: number): number[] {
  const counts = new Array<number>(arms + 1).fill(0);
  for (let i = 0; i < arm.length; i++) {
    const a = arm[i] as number;
    if (!(Number.isInteger(a) && a >= 0 && a <= arms)) {
      throw new UpliftError(`armShares: arm[${i}] is ${a}; expected an integer in 0..${arms}`);
    }
    counts[a] = (counts[a] as number) + 1;
  }
  return counts.map((c) => c / arm.length);
}

export interface PolicyValue {
  /** Mean outcome per customer had everyone been treated as the policy says. */
  value: number;
  /** Standard error of that mean (the spread of the weighted outcomes / √n). */
  standardError: number;
  /** Customers whose observed arm is the one the policy chose: the only ones the estimate uses. */
  matched: number;
}

/**
 * The value of a treatment policy estimated off-policy by inverse propensity weighting
 * (Horvitz–Thompson): mean over customers of 1[chosen = observed] · outcome / P(observed arm). Unbiased
 * when the arms were assigned at random with the given probabilities, as in a randomised test, so a
 * policy can be judged on a holdout without ever having been run.
 */
export function ipwPolicyValue(
  chosenArm: ArrayLike<number>,
  observedArm: ArrayLike<number>,
  outcome: ArrayLike<number>,
  propensity: readonly number[],
): PolicyValue {
  const n = chosenArm.length;
  if (observedArm.length !== n || outcome.length !== n) {
    throw new UpliftError(
      `ipwPolicyValue: inputs have different lengths (${n}, ${observedArm.length}, ${outcome.length})`,
    );
  }
  if (n === 0) throw new UpliftError('ipwPolicyValue: no customers to evaluate the policy on');
  propensity.forEach((p, a) => {
    if (!(p > 0 && p <= 1)) throw new UpliftError(`ipwPolicyValue: propensity of arm ${a} is ${p}`);
  });
  const terms = new Float64Array(n);
  let matched = 0;
  for (let i = 0; i < n; i++) {
    const observed = observedArm[i] as number;
    const p = propensity[observed];
    if (p === undefined)
      throw new UpliftError(`ipwPolicyValue: observedArm[${i}] is ${observed}, no propensity`);
    if (chosenArm[i] !== observed) continue;
    const y = outcome[i] as number;
    if (!Number.isFinite(y)) throw new UpliftError(`ipwPolicyValue: outcome[${i}] is ${y}`);
    terms[i] = y / p;
    matched++;
  }
  let sum = 0;
  for (const t of terms) sum += t;
  const value = sum / n;
  let squares = 0;
  for (const t of terms) squares += (t - value) ** 2;
  const standardError = n > 1 ? Math.sqrt(squares / (n - 1) / n) : Number.NaN;
  return { value, standardError, matched };
}
