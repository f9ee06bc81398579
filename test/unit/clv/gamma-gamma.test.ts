import { describe, expect, it } from 'vitest';
import {
  InvalidHistoryError,
  NoRepeatCustomersError,
  UndefinedPredictionError,
} from '#shared/domain/clv/errors';
import { expectedAverageSpend, fitGammaGamma, gammaGammaLogLikelihood } from '#shared/domain/clv/gamma-gamma';
import { simulateGammaGamma } from './simulate';

describe('gammaGammaLogLikelihood', () => {
  it('matches likelihoods worked out by hand', () => {
    // Γ(2)/(Γ(1)Γ(1)) · 1 · 1⁰ · 1¹ / (1 + 1)² = 1/4
    expect(gammaGammaLogLikelihood({ p: 1, q: 1, v: 1 }, [{ frequency: 1, monetary: 1 }])).toBeCloseTo(
      Math.log(1 / 4),
      14,
    );
    // p = 2, q = 3, v = 4, x = 2, m = 5: Γ(7)/(Γ(4)Γ(3)) · 4³ · 5³ · 2⁴ / (4 + 10)⁷ = 60 · 64 · 125 · 16 / 14⁷
    expect(gammaGammaLogLikelihood({ p: 2, q: 3, v: 4 }, [{ frequency: 2, monetary: 5 }])).toBeCloseTo(
      Math.log((60 * 64 * 125 * 16) / 14 ** 7),
      13,
    );
  });
});

describe('fitGammaGamma', () => {
  it('recovers the parameters of 10,000 simulated repeat customers', () => {
    const truth = { p: 6, q: 4, v: 15 };
    const customers = simulateGammaGamma(truth, 10_000, 5);
    const fit = fitGammaGamma(customers);
    // p and v trade off along a ridge of the likelihood (at 100,000 customers both come within 2 %),
    // so they get the wider tolerance; q is pinned by the spread between customers.
    expect(Math.abs(fit.params.p / truth.p - 1)).toBeLessThan(0.15);
    expect(Math.abs(fit.params.q / truth.q - 1)).toBeLessThan(0.05);
    expect(Math.abs(fit.params.v / truth.v - 1)).toBeLessThan(0.15);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(gammaGammaLogLikelihood(truth, customers));
    // p v / (q − 1), the population mean spend, is what the data pins down best.
    const mean = (fit.params.p * fit.params.v) / (fit.params.q - 1);
    expect(mean / 30).toBeCloseTo(1, 1);
  });

  it('learns only from repeat customers', () => {
    const repeat = simulateGammaGamma({ p: 6, q: 4, v: 15 }, 300, 2);
    const withNewcomers = [...repeat, { frequency: 0, monetary: 0 }, { frequency: 0, monetary: 0 }];
    const fit = fitGammaGamma(withNewcomers);
    expect(fit.customers).toBe(300);
    expect(fit.params).toEqual(fitGammaGamma(repeat).params);
  });

  it('throws NoRepeatCustomersError when nobody came back', () => {
    expect(() => fitGammaGamma([{ frequency: 0, monetary: 0 }])).toThrow(NoRepeatCustomersError);
    expect(() => fitGammaGamma([])).toThrow(NoRepeatCustomersError);
  });

  it('throws InvalidHistoryError on a repeat customer without a positive spend', () => {
    expect(() => fitGammaGamma([{ frequency: 2, monetary: 0 }])).toThrow(InvalidHistoryError);
    expect(() => fitGammaGamma([{ frequency: 2, monetary: Number.NaN }])).toThrow(InvalidHistoryError);
  });
});

describe('expectedAverageSpend', () => {
  const params = { p: 6.25, q: 3.74, v: 15.44 };
  const populationMean = (params.p * params.v) / (params.q - 1);

  it('gives a customer with no repeat purchase the population mean', () => {
    expect(expectedAverageSpend(params, { frequency: 0, monetary: 0 })).toBeCloseTo(populationMean, 12);
  });

  it('moves from the population mean towards the customer’s own mean as they buy more', () => {
    const own = 80;
    const spends = [1, 5, 50, 5000].map((frequency) =>
      expectedAverageSpend(params, { frequency, monetary: own }),
    );
    for (let i = 1; i < spends.length; i++) expect(spends[i]).toBeGreaterThan(spends[i - 1] ?? 0);
    expect(spends[0]).toBeGreaterThan(populationMean);
    expect(spends[3]).toBeCloseTo(own, 0);
  });

  it('refuses q <= 1, where the population mean is infinite', () => {
    expect(() => expectedAverageSpend({ p: 1, q: 1, v: 1 }, { frequency: 1, monetary: 3 })).toThrow(
      UndefinedPredictionError,
    );
  });
});
