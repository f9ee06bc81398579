import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitBgNbd } from '../../shared/domain/clv/bg-nbd';
import { CDNOW_START_DAY, parseCdnowSample } from '../../shared/domain/clv/cdnow-format';
import { fitGammaGamma } from '../../shared/domain/clv/gamma-gamma';
import { holdoutCheck } from '../../shared/domain/clv/holdout-check';
import { purchaseDaysBetween, rfmSummary } from '../../shared/domain/clv/rfm-summary';
import type { ScorecardRow, ScorecardSection } from '../../shared/domain/model-eval/scorecard-row';

export const CDNOW_SAMPLE_FILE = 'cdnow/CDNOW_sample.txt';

// Fader, Hardie & Lee (2005) on the 39-week calibration period of the 1/10 sample.
const BG_NBD_REFERENCE = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 } as const;
const GAMMA_GAMMA_REFERENCE = { p: 6.25, q: 3.74, v: 15.45 } as const;
const CALIBRATION_END = CDNOW_START_DAY + 272;
const HOLDOUT_END = CALIBRATION_END + 273;
const HOLDOUT_WEEKS = 39;

/**
 * The probabilistic lifetime-value models on CDNOW: BG/NBD parameters within 1% of the published
 * fit, Gamma-Gamma within 2%, and the error of the 39-week holdout forecast of repeat purchases.
 * `npm run scorecard:clv` prints the same fit in full, with the holdout by frequency.
 */
export function cdnowSection(dataDir: string): ScorecardSection {
  const path = join(dataDir, CDNOW_SAMPLE_FILE);
  if (!existsSync(path)) {
    return { dataset: 'cdnow', skipped: `no ${path} (set CAMPAIGN_DATA_DIR to the shared data folder)` };
  }
  const events = parseCdnowSample(readFileSync(path, 'utf8'));
  const calibration = rfmSummary(events, { lastObservedDay: CALIBRATION_END });
  const bgNbd = fitBgNbd(calibration);
  const gammaGamma = fitGammaGamma(calibration);
  const check = holdoutCheck(
    bgNbd.params,
    calibration,
    purchaseDaysBetween(events, CALIBRATION_END, HOLDOUT_END),
    HOLDOUT_WEEKS,
  );
  const parameter = (model: string, metric: string, value: number, reference: number, relative: number) =>
    ({
      dataset: 'cdnow',
      task: '39-week calibration, 1/10 sample',
      model,
      metric,
      value,
      reference,
      higherIsBetter: true,
      tolerance: { relative },
    }) satisfies ScorecardRow;
  return {
    dataset: 'cdnow',
    rows: [
      ...(['r', 'alpha', 'a', 'b'] as const).map((k) =>
        parameter('bg/nbd', k, bgNbd.params[k], BG_NBD_REFERENCE[k], 0.01),
      ),
      ...(['p', 'q', 'v'] as const).map((k) =>
        parameter('gamma-gamma', k, gammaGamma.params[k], GAMMA_GAMMA_REFERENCE[k], 0.02),
      ),
      {
        dataset: 'cdnow',
        task: '39-week holdout, repeat purchases in total',
        model: 'bg/nbd',
        metric: 'relative_error',
        value: (check.predictedTotal - check.actualTotal) / check.actualTotal,
        higherIsBetter: false,
      },
    ],
  };
}
