import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitBgNbd } from '#shared/domain/clv/bg-nbd';
import { CDNOW_START_DAY, parseCdnowSample, parseCdnowSummary } from '#shared/domain/clv/cdnow-format';
import { fitGammaGamma } from '#shared/domain/clv/gamma-gamma';
import { type CustomerRfm, rfmSummary } from '#shared/domain/clv/rfm-summary';
import { realDataFile } from '../support/real-data';

// Fader, Hardie & Lee (2005), reproduced by `lifetimes`: the CDNOW 1/10 sample's 39-week calibration.
const REFERENCE = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258, logLikelihood: -9582.4 };
const REFERENCE_SPEND = { p: 6.25, q: 3.74, v: 15.45 };
// 1997-09-30, the calibration's last day: the summary file's T of 38.86 weeks is 272 days.
const CALIBRATION_END = CDNOW_START_DAY + 272;

const samplePath = realDataFile('cdnow/CDNOW_sample.txt', 'CLV tests on CDNOW');
const summaryPath = realDataFile('cdnow/cdnow_customers_summary.csv', 'CLV tests on CDNOW');

describe.skipIf(samplePath === undefined || summaryPath === undefined)(
  'CLV models on the CDNOW sample',
  () => {
    const calibration = (): CustomerRfm[] =>
      rfmSummary(parseCdnowSample(readFileSync(samplePath ?? '', 'utf8')), {
        lastObservedDay: CALIBRATION_END,
      });

    it('builds from the transactions the same summary as cdnow_customers_summary.csv', () => {
      const published = parseCdnowSummary(readFileSync(summaryPath ?? '', 'utf8'));
      const ours = new Map(calibration().map((c) => [c.customerId, c]));
      expect(ours.size).toBe(2357);
      expect(published).toHaveLength(2357);
      for (const row of published) {
        const mine = ours.get(row.customerId);
        expect(mine?.frequency, `customer ${row.customerId}`).toBe(row.frequency);
        // The file rounds weeks to two decimals.
        expect(Math.abs((mine?.recency ?? Number.NaN) - row.recency)).toBeLessThanOrEqual(0.005);
        expect(Math.abs((mine?.T ?? Number.NaN) - row.T)).toBeLessThanOrEqual(0.005);
      }
    });

    it('fits the published BG/NBD parameters and log-likelihood', () => {
      const fit = fitBgNbd(calibration());
      for (const key of ['r', 'alpha', 'a', 'b'] as const) {
        expect(Math.abs(fit.params[key] / REFERENCE[key] - 1), key).toBeLessThan(1e-3);
      }
      expect(Math.abs(fit.logLikelihood - REFERENCE.logLikelihood)).toBeLessThan(0.5);
    });

    it('fits the published BG/NBD parameters on the summary file itself', () => {
      const fit = fitBgNbd(parseCdnowSummary(readFileSync(summaryPath ?? '', 'utf8')));
      for (const key of ['r', 'alpha', 'a', 'b'] as const) {
        expect(Math.abs(fit.params[key] / REFERENCE[key] - 1), key).toBeLessThan(1e-3);
      }
      expect(Math.abs(fit.logLikelihood - REFERENCE.logLikelihood)).toBeLessThan(0.5);
    });

    it('fits the published Gamma-Gamma parameters on the 946 repeat customers', () => {
      const fit = fitGammaGamma(calibration());
      expect(fit.customers).toBe(946);
      for (const key of ['p', 'q', 'v'] as const) {
        expect(Math.abs(fit.params[key] / REFERENCE_SPEND[key] - 1), key).toBeLessThan(0.01);
      }
    });
  },
);
