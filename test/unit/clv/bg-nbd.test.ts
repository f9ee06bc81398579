import { describe, expect, it } from 'vitest';
import {
  type BgNbdParams,
  bgNbdLogLikelihood,
  expectedPurchases,
  expectedPurchasesNewCustomer,
  fitBgNbd,
  probabilityAlive,
} from '#shared/domain/clv/bg-nbd';
import { InvalidHistoryError, UndefinedPredictionError } from '#shared/domain/clv/errors';
import { logGamma } from '#shared/domain/clv/log-gamma';
import { simulateBgNbd } from './simulate';

const ONES: BgNbdParams = { r: 1, alpha: 1, a: 1, b: 1 };
const CDNOW: BgNbdParams = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };

describe('bgNbdLogLikelihood', () => {
  it('matches likelihoods worked out by hand', () => {
    // x = 0: only "alive at T", α^r / (α + T)^r = 1/2.
    expect(bgNbdLogLikelihood(ONES, [{ frequency: 0, recency: 0, T: 1 }])).toBeCloseTo(Math.log(1 / 2), 14);
    // x = 1, t_x = 1, T = 2: B(1,2)/B(1,1) · 1/3² + B(2,1)/B(1,1) · 1/2² = 1/18 + 1/8.
    expect(bgNbdLogLikelihood(ONES, [{ frequency: 1, recency: 1, T: 2 }])).toBeCloseTo(Math.log(13 / 72), 14);
    // r = 2, α = 3, a = 2, b = 3, x = 2, t_x = 4, T = 6: Γ(4)/Γ(2) = 6, α^r = 9,
    // B(2,5)/B(2,3) = 0.4, B(3,4)/B(2,3) = 0.2, so 0.4·6·9/9⁴ + 0.2·6·9/7⁴.
    const params = { r: 2, alpha: 3, a: 2, b: 3 };
    const expected = (0.4 * 6 * 9) / 9 ** 4 + (0.2 * 6 * 9) / 7 ** 4;
    expect(bgNbdLogLikelihood(params, [{ frequency: 2, recency: 4, T: 6 }])).toBeCloseTo(
      Math.log(expected),
      13,
    );
  });

  it('sums over customers', () => {
    const a = { frequency: 0, recency: 0, T: 1 };
    const b = { frequency: 1, recency: 1, T: 2 };
    expect(bgNbdLogLikelihood(ONES, [a, b, a])).toBeCloseTo(2 * Math.log(1 / 2) + Math.log(13 / 72), 13);
  });

  it('stays finite for a heavy buyer whose likelihood terms underflow on their own', () => {
    const { r, alpha, a, b } = CDNOW;
    const [x, tx, T] = [400, 60, 78];
    // Each term is below 1e-300, so the check itself sums them in log space.
    const common = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) - betaLog(a, b);
    const alive = betaLog(a, b + x) - (r + x) * Math.log(alpha + T);
    const died = betaLog(a + 1, b + x - 1) - (r + x) * Math.log(alpha + tx);
    const top = Math.max(alive, died);
    const expected = common + top + Math.log(Math.exp(alive - top) + Math.exp(died - top));
    const actual = bgNbdLogLikelihood(CDNOW, [{ frequency: x, recency: tx, T }]);
    expect(Number.isFinite(actual)).toBe(true);
    expect(actual).toBeCloseTo(expected, 8);
  });
});

function betaLog(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

describe('probabilityAlive', () => {
  it('is 1 without a repeat purchase: drop-out happens only right after a purchase', () => {
    expect(probabilityAlive(CDNOW, { frequency: 0, recency: 0, T: 38.86 })).toBe(1);
    expect(probabilityAlive(CDNOW, { frequency: 0, recency: 0, T: 0 })).toBe(1);
  });

  it('is 1 / (1 + a/(b + x − 1) · ((α + T)/(α + t_x))^(r + x)) for a repeat buyer', () => {
    const { r, alpha, a, b } = CDNOW;
    const odds = (a / (b + 2 - 1)) * ((alpha + 38) / (alpha + 20)) ** (r + 2);
    expect(probabilityAlive(CDNOW, { frequency: 2, recency: 20, T: 38 })).toBeCloseTo(1 / (1 + odds), 14);
  });

  it('falls the longer a repeat buyer has been silent, and is 1 when they bought just now', () => {
    const silence = [0, 5, 10, 20, 30].map((gap) =>
      probabilityAlive(CDNOW, { frequency: 3, recency: 30 - gap, T: 30 }),
    );
    expect(silence[0]).toBe(1 / (1 + CDNOW.a / (CDNOW.b + 2)));
    for (let i = 1; i < silence.length; i++) expect(silence[i]).toBeLessThan(silence[i - 1] ?? 0);
  });
});

describe('expectedPurchases', () => {
  it('is 0 over no time and grows with the horizon', () => {
    const customer = { frequency: 2, recency: 30, T: 38 };
    expect(expectedPurchases(CDNOW, customer, 0)).toBe(0);
    const horizons = [1, 10, 39, 100, 500].map((t) => expectedPurchases(CDNOW, customer, t));
    for (let i = 1; i < horizons.length; i++) expect(horizons[i]).toBeGreaterThan(horizons[i - 1] ?? 0);
  });

  it('equals the new-customer expectation for a customer with no history yet', () => {
    for (const t of [1, 26, 78]) {
      expect(expectedPurchases(CDNOW, { frequency: 0, recency: 0, T: 0 }, t)).toBeCloseTo(
        expectedPurchasesNewCustomer(CDNOW, t),
        12,
      );
    }
  });

  it('expects more from a frequent, recent buyer than from a lapsed or an occasional one', () => {
    const recent = expectedPurchases(CDNOW, { frequency: 6, recency: 37, T: 38 }, 39);
    const lapsed = expectedPurchases(CDNOW, { frequency: 6, recency: 10, T: 38 }, 39);
    const occasional = expectedPurchases(CDNOW, { frequency: 1, recency: 37, T: 38 }, 39);
    expect(recent).toBeGreaterThan(lapsed);
    expect(recent).toBeGreaterThan(occasional);
  });

  it('agrees with customers simulated from the model, conditionally and for new customers', () => {
    const params = { r: 0.8, alpha: 6, a: 0.9, b: 2.2 };
    const simulated = simulateBgNbd(params, new Array(100_000).fill(26), 11, 26);
    const meanHoldout = (group: readonly (typeof simulated)[number][]) =>
      group.reduce((sum, c) => sum + c.holdoutPurchases, 0) / group.length;
    const meanPredicted = (group: readonly (typeof simulated)[number][]) =>
      group.reduce((sum, c) => sum + expectedPurchases(params, c, 26), 0) / group.length;
    for (const x of [0, 1, 3]) {
      const group = simulated.filter((c) => c.frequency === x);
      expect(meanPredicted(group) / meanHoldout(group)).toBeCloseTo(1, 1);
    }
    const newCustomers = simulated.reduce((sum, c) => sum + c.frequency, 0) / simulated.length;
    expect(expectedPurchasesNewCustomer(params, 26) / newCustomers).toBeCloseTo(1, 1);
  });

  it('refuses a = 1, where the closed form divides by a − 1', () => {
    expect(() => expectedPurchases({ ...CDNOW, a: 1 }, { frequency: 1, recency: 2, T: 3 }, 5)).toThrow(
      UndefinedPredictionError,
    );
  });
});

describe('fitBgNbd', () => {
  it('recovers the parameters of 4,000 simulated customers', () => {
    const truth = { r: 0.9, alpha: 5, a: 0.7, b: 2.5 };
    const ages = Array.from({ length: 4000 }, (_, i) => 39 + (13 * i) / 4000);
    const customers = simulateBgNbd(truth, ages, 7);
    const fit = fitBgNbd(customers);
    expect(Math.abs(fit.params.r / truth.r - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.params.alpha / truth.alpha - 1)).toBeLessThan(0.15);
    expect(Math.abs(fit.params.a / truth.a - 1)).toBeLessThan(0.25);
    expect(Math.abs(fit.params.b / truth.b - 1)).toBeLessThan(0.3);
    // The maximum is a maximum: no worse than the truth on the data it was fitted to.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgNbdLogLikelihood(truth, customers));
    expect(fit.customers).toBe(4000);
  });

  it('is deterministic', () => {
    const customers = simulateBgNbd({ r: 0.5, alpha: 3, a: 1.2, b: 3 }, new Array(500).fill(30), 3);
    expect(fitBgNbd(customers)).toEqual(fitBgNbd(customers));
  });

  it('throws InvalidHistoryError on no customers or an impossible history', () => {
    expect(() => fitBgNbd([])).toThrow(InvalidHistoryError);
    expect(() => fitBgNbd([{ frequency: 2, recency: 40, T: 39 }])).toThrow(InvalidHistoryError);
    expect(() => fitBgNbd([{ frequency: 0, recency: 3, T: 39 }])).toThrow(InvalidHistoryError);
    expect(() => fitBgNbd([{ frequency: 1.5, recency: 3, T: 39 }])).toThrow(InvalidHistoryError);
  });
});
