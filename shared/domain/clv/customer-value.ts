import { type BgNbdParams, expectedPurchases, probabilityAlive } from './bg-nbd';
import { InvalidHistoryError } from './errors';
import { expectedAverageSpend, type GammaGammaParams } from './gamma-gamma';
import type { CustomerRfm } from './rfm-summary';

export interface CustomerValueOptions {
  /** Days per period of the summaries the models were fitted on. @default 7 */
  readonly periodDays?: number;
  /** How far ahead to value. @default 180 */
  readonly horizonDays?: number;
  /**
   * Discount per 30 days. Undiscounted by default, so the value is the revenue expected in the
   * window, the same quantity as the feature store's 180-day value label it is compared with.
   * @default 0
   */
  readonly monthlyDiscountRate?: number;
}

export interface CustomerValue {
  readonly customerId: string;
  /** Expected repeat purchases within the horizon. */
  readonly expectedPurchases: number;
  readonly probabilityAlive: number;
  /** Expected spend per purchase. */
  readonly expectedSpend: number;
  /** Expected purchases × expected spend, each 30-day slice discounted to today. */
  readonly value: number;
}

const MONTH_DAYS = 30;

/**
 * A customer's expected value over the horizon (180 days by default): BG/NBD expected purchases
 * times Gamma-Gamma expected spend. With a discount rate the horizon is cut into 30-day slices,
 * each slice's expected purchases discounted at its end (as `lifetimes` does), which slightly
 * understates the value; without one the slicing changes nothing.
 *
 * @throws InvalidHistoryError on a negative horizon or discount rate, or a non-positive period.
 * @example customerValue(bgNbd, gammaGamma, { customerId: 'a', frequency: 2, recency: 30, T: 38, monetary: 20 })
 */
export function customerValue(
  purchases: BgNbdParams,
  spend: GammaGammaParams,
  customer: CustomerRfm,
  options: CustomerValueOptions = {},
): CustomerValue {
  const { periodDays = 7, horizonDays = 180, monthlyDiscountRate = 0 } = options;
  if (!(periodDays > 0) || !(horizonDays >= 0) || !(monthlyDiscountRate >= 0)) {
    throw new InvalidHistoryError(
      `periodDays must be positive, horizonDays and monthlyDiscountRate non-negative (got ${periodDays}, ${horizonDays}, ${monthlyDiscountRate})`,
    );
  }
  const expectedSpend = expectedAverageSpend(spend, customer);
  const purchasesBy = (days: number) => expectedPurchases(purchases, customer, days / periodDays);
  const total = purchasesBy(horizonDays);
  let discountedPurchases = total;
  if (monthlyDiscountRate > 0) {
    discountedPurchases = 0;
    let before = 0;
    for (let start = 0, month = 1; start < horizonDays; start += MONTH_DAYS, month++) {
      const through = purchasesBy(Math.min(start + MONTH_DAYS, horizonDays));
      discountedPurchases += (through - before) / (1 + monthlyDiscountRate) ** month;
      before = through;
    }
  }
  return {
    customerId: customer.customerId,
    expectedPurchases: total,
    probabilityAlive: probabilityAlive(purchases, customer),
    expectedSpend,
    value: discountedPurchases * expectedSpend,
  };
}
