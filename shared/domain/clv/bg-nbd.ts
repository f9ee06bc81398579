/**
 * The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting your customers the easy
 * way"): while alive a customer buys at a Poisson rate λ ~ Gamma(r, α), and after each purchase
 * drops out with probability p ~ Beta(a, b). Time is in whatever period the summaries use (weeks for
 * `rfmSummary`'s default), and α carries that unit.
 */
import { InvalidHistoryError, UndefinedPredictionError } from './errors';
import { logHypergeometric2F1 } from './hypergeometric';
import { logGamma } from './log-gamma';
import { type MinimizeOptions, minimize } from './minimize';

export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/** What the model reads of a customer: repeat purchases x, recency t_x and age T. */
export interface RepeatHistory {
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
}

export interface BgNbdFit {
  readonly params: BgNbdParams;
  /** The maximised log-likelihood, summed over customers. */
  readonly logLikelihood: number;
  readonly customers: number;
}

/** Throws unless every history is one a customer can have: whole x >= 0, 0 <= t_x <= T, t_x = 0 when x = 0. */
export function assertRepeatHistories(histories: readonly RepeatHistory[]): void {
  for (const [i, { frequency: x, recency, T }] of histories.entries()) {
    const valid =
      Number.isInteger(x) &&
      x >= 0 &&
      recency >= 0 &&
      recency <= T &&
      Number.isFinite(T) &&
      (x > 0 || recency === 0);
    if (!valid) {
      throw new InvalidHistoryError(
        `customer ${i}: frequency ${x}, recency ${recency}, T ${T} is not a repeat-purchase history`,
      );
    }
  }
}

/**
 * The BG/NBD log-likelihood summed over customers (Fader, Hardie & Lee's note "Implementing the
 * BG/NBD model", eq. 6). The two terms of a repeat buyer's likelihood are combined as a
 * log-sum-exp, since each alone underflows for long histories.
 *
 * @example bgNbdLogLikelihood({ r: 1, alpha: 1, a: 1, b: 1 }, [{ frequency: 0, recency: 0, T: 1 }]) // ln(3/4)
 */
export function bgNbdLogLikelihood(params: BgNbdParams, histories: readonly RepeatHistory[]): number {
  const { r, alpha, a, b } = params;
  const logAlpha = Math.log(alpha);
  const shared = logGamma(a + b) - logGamma(b) - logGamma(r) + r * logAlpha;
  // Frequencies repeat across thousands of customers: the log-gammas of each are computed once.
  const byFrequency = new Map<number, number>();
  let total = 0;
  for (const { frequency: x, recency, T } of histories) {
    let countTerms = byFrequency.get(x);
    if (countTerms === undefined) {
      countTerms = shared + logGamma(r + x) + logGamma(b + x) - logGamma(a + b + x);
      byFrequency.set(x, countTerms);
    }
    const aliveAtT = -(r + x) * Math.log(alpha + T);
    if (x === 0) {
      total += countTerms + aliveAtT;
      continue;
    }
    const diedAfterLast = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + recency);
    const top = Math.max(aliveAtT, diedAfterLast);
    total += countTerms + top + Math.log(Math.exp(aliveAtT - top) + Math.exp(diedAfterLast - top));
  }
  return total;
}

/**
 * The maximum-likelihood BG/NBD parameters, searched over their logarithms (so they stay positive
 * without constraints) from r = α = a = b = 1, as `lifetimes` does.
 *
 * @throws InvalidHistoryError on an empty or impossible history.
 * @throws FitFailedError when the likelihood is nowhere finite.
 */
export function fitBgNbd(histories: readonly RepeatHistory[], options: MinimizeOptions = {}): BgNbdFit {
  if (histories.length === 0) throw new InvalidHistoryError('no customers to fit the BG/NBD model on');
  assertRepeatHistories(histories);
  const n = histories.length;
  // The mean rather than the sum, so the optimizer's tolerance means the same for any sample size.
  const objective = (logParams: readonly number[]) => -bgNbdLogLikelihood(fromLogs(logParams), histories) / n;
  const found = minimize(objective, [0, 0, 0, 0], options);
  const params = fromLogs(found.x);
  return { params, logLikelihood: bgNbdLogLikelihood(params, histories), customers: n };
}

function fromLogs([logR = 0, logAlpha = 0, logA = 0, logB = 0]: readonly number[]): BgNbdParams {
  return { r: Math.exp(logR), alpha: Math.exp(logAlpha), a: Math.exp(logA), b: Math.exp(logB) };
}

/**
 * P(alive | x, t_x, T): 1 for a customer with no repeat purchase, who in this model cannot yet have
 * dropped out (drop-out happens only right after a purchase).
 */
export function probabilityAlive(params: BgNbdParams, history: RepeatHistory): number {
  return 1 / (1 + deathOdds(params, history));
}

function deathOdds({ r, alpha, a, b }: BgNbdParams, { frequency: x, recency, T }: RepeatHistory): number {
  if (x === 0) return 0;
  return Math.exp(Math.log(a) - Math.log(b + x - 1) + (r + x) * Math.log((alpha + T) / (alpha + recency)));
}

/**
 * E[Y(t) | x, t_x, T]: the expected purchases in the next `t` periods of a customer with this
 * history (Fader, Hardie & Lee 2005, eq. 10).
 *
 * @throws UndefinedPredictionError when a = 1 (the closed form divides by a - 1) or a + b + x <= 1.
 */
export function expectedPurchases(params: BgNbdParams, history: RepeatHistory, t: number): number {
  const { r, alpha, a, b } = params;
  const { frequency: x, T } = history;
  if (t === 0) return 0;
  assertClosedFormDefined(a, a + b + x - 1);
  const logRemaining =
    (r + x) * Math.log((alpha + T) / (alpha + T + t)) +
    logHypergeometric2F1(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
  const unconditional = ((a + b + x - 1) / (a - 1)) * -Math.expm1(logRemaining);
  return unconditional / (1 + deathOdds(params, history));
}

/**
 * E[X(t)]: the expected purchases in a new customer's first `t` periods (FHL 2005, eq. 9), the
 * first purchase not counted.
 *
 * @throws UndefinedPredictionError when a = 1 or a + b <= 1.
 */
export function expectedPurchasesNewCustomer(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  if (t === 0) return 0;
  assertClosedFormDefined(a, a + b - 1);
  const logRemaining =
    r * Math.log(alpha / (alpha + t)) + logHypergeometric2F1(r, b, a + b - 1, t / (alpha + t));
  return ((a + b - 1) / (a - 1)) * -Math.expm1(logRemaining);
}

function assertClosedFormDefined(a: number, c: number): void {
  if (Math.abs(a - 1) < 1e-9 || !(c > 0)) {
    throw new UndefinedPredictionError(
      `the BG/NBD expectation needs a != 1 and a + b + x > 1 (a = ${a}, a + b + x - 1 = ${c})`,
    );
  }
}
