import { type BgNbdParams, expectedPurchases } from './bg-nbd';
import type { CustomerRfm } from './rfm-summary';

export interface FrequencyBucket {
  /** Calibration repeat purchases: '0' … '6', then e.g. '7+'. */
  readonly frequency: string;
  readonly customers: number;
  readonly predictedMean: number;
  readonly actualMean: number;
}

export interface HoldoutCheck {
  readonly customers: number;
  readonly predictedTotal: number;
  readonly actualTotal: number;
  /** Mean |predicted − actual| holdout purchases per customer. */
  readonly meanAbsoluteError: number;
  /** Fader, Hardie & Lee's conditional-expectation check: means by calibration frequency. */
  readonly byFrequency: readonly FrequencyBucket[];
}

/**
 * Predicted against actual repeat purchases in a holdout of `holdoutPeriods` periods following the
 * calibration, per customer, in total and by calibration frequency (0 … `lastBucket`−1, then
 * `lastBucket`+), the check with which Fader, Hardie & Lee validate the BG/NBD on CDNOW.
 *
 * @param actual repeat purchase days of each customer in the holdout (absent: none)
 * @param lastBucket @default 7
 */
export function holdoutCheck(
  params: BgNbdParams,
  calibration: readonly CustomerRfm[],
  actual: ReadonlyMap<string, number>,
  holdoutPeriods: number,
  lastBucket = 7,
): HoldoutCheck {
  const buckets = Array.from({ length: lastBucket + 1 }, () => ({ customers: 0, predicted: 0, actual: 0 }));
  let predictedTotal = 0;
  let actualTotal = 0;
  let absoluteError = 0;
  for (const customer of calibration) {
    const predicted = expectedPurchases(params, customer, holdoutPeriods);
    const observed = actual.get(customer.customerId) ?? 0;
    predictedTotal += predicted;
    actualTotal += observed;
    absoluteError += Math.abs(predicted - observed);
    const bucket = buckets[Math.min(customer.frequency, lastBucket)];
    if (bucket) {
      bucket.customers++;
      bucket.predicted += predicted;
      bucket.actual += observed;
    }
  }
  return {
    customers: calibration.length,
    predictedTotal,
    actualTotal,
    meanAbsoluteError: calibration.length > 0 ? absoluteError / calibration.length : 0,
    byFrequency: buckets.map((bucket, i) => ({
      frequency: i === lastBucket ? `${i}+` : String(i),
      customers: bucket.customers,
      predictedMean: bucket.customers > 0 ? bucket.predicted / bucket.customers : 0,
      actualMean: bucket.customers > 0 ? bucket.actual / bucket.customers : 0,
    })),
  };
}
