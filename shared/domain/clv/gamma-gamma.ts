/**
 * The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV";
 * Hardie's note "The Gamma-Gamma model of monetary value"): a customer's transactions are
 * Gamma(p, ν) around their own mean, with ν ~ Gamma(q, γ) across customers (γ is `v` here, as in
 * `lifetimes`). Spend is assumed independent of how often the customer buys.
 */
import { InvalidHistoryError, NoRepeatCustomersError, UndefinedPredictionError } from './errors';
import { logGamma } from './log-gamma';
import { type MinimizeOptions, minimize } from './minimize';

export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly v: number;
}

/** What the model reads of a customer: repeat purchases x and their mean spend m_x. */
export interface RepeatSpend {
  readonly frequency: number;
  readonly monetary: number;
}

export interface GammaGammaFit {
  readonly params: GammaGammaParams;
  readonly logLikelihood: number;
  /** Customers with a repeat purchase, the only ones the model learns from. */
  readonly customers: number;
}

/**
 * The log-likelihood of the mean spends m_x of customers with x > 0 repeat purchases:
 * ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln v + (px − 1) ln m_x + px ln x − (px + q) ln(v + x m_x).
 *
 * @example gammaGammaLogLikelihood({ p: 1, q: 1, v: 1 }, [{ frequency: 1, monetary: 1 }]) // ln(1/4)
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, customers: readonly RepeatSpend[]): number {
  const { p, q, v } = params;
  const shared = q * Math.log(v) - logGamma(q);
  let total = 0;
  for (const { frequency: x, monetary: m } of customers) {
    const px = p * x;
    total +=
      shared +
      logGamma(px + q) -
      logGamma(px) +
      (px - 1) * Math.log(m) +
      px * Math.log(x) -
      (px + q) * Math.log(v + x * m);
  }
  return total;
}

/**
 * The maximum-likelihood p, q, v on the customers with a repeat purchase (the others are left out:
 * their first purchase is not part of the spend model's data), searched over log-parameters from
 * p = q = v = 1, as `lifetimes` does.
 *
 * @throws NoRepeatCustomersError when no customer has a repeat purchase.
 * @throws InvalidHistoryError when a repeat customer's mean spend is not positive.
 */
export function fitGammaGamma(
  customers: readonly RepeatSpend[],
  options: MinimizeOptions = {},
): GammaGammaFit {
  const repeat = customers.filter((c) => c.frequency > 0);
  if (repeat.length === 0) {
    throw new NoRepeatCustomersError(
      `none of the ${customers.length} customers has a repeat purchase, so spend cannot be modelled`,
    );
  }
  for (const { frequency, monetary } of repeat) {
    if (!Number.isInteger(frequency) || !(monetary > 0) || !Number.isFinite(monetary)) {
      throw new InvalidHistoryError(
        `a repeat customer needs a whole frequency and a positive mean spend (got ${frequency}, ${monetary})`,
      );
    }
  }
  const n = repeat.length;
  const objective = ([logP = 0, logQ = 0, logV = 0]: readonly number[]) =>
    -gammaGammaLogLikelihood({ p: Math.exp(logP), q: Math.exp(logQ), v: Math.exp(logV) }, repeat) / n;
  const [logP = 0, logQ = 0, logV = 0] = minimize(objective, [0, 0, 0], options).x;
  const params = { p: Math.exp(logP), q: Math.exp(logQ), v: Math.exp(logV) };
  return { params, logLikelihood: gammaGammaLogLikelihood(params, repeat), customers: n };
}

/**
 * E[M | p, q, v, m_x, x]: a customer's expected spend per transaction, a weighted mean of the
 * population mean p v / (q − 1) and their own m_x, the more their own the more they bought. A
 * customer without repeat purchases gets the population mean.
 *
 * @throws UndefinedPredictionError when q <= 1 (the population mean is infinite).
 */
export function expectedAverageSpend(params: GammaGammaParams, customer: RepeatSpend): number {
  const { p, q, v } = params;
  if (!(q > 1)) {
    throw new UndefinedPredictionError(`the expected spend needs q > 1 (q = ${q})`);
  }
  const { frequency: x, monetary: m } = customer;
  if (x === 0) return (p * v) / (q - 1);
  return (p * (v + x * m)) / (p * x + q - 1);
}
