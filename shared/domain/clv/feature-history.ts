import type { RepeatHistory } from './bg-nbd';
import type { RepeatSpend } from './gamma-gamma';

/** What the feature store knows of a customer's whole purchase history before the cut-off. */
export interface PurchaseHistoryFacts {
  /** Days with a purchase before the cut-off. */
  readonly purchaseDays: number;
  /** Days from the first purchase day to the cut-off; NaN without a purchase. */
  readonly firstPurchaseAgeDays: number;
  /** Days from the last purchase day to the cut-off; NaN without a purchase. */
  readonly recencyDays: number;
  /** Mean receipt value of the last 365 days. */
  readonly meanReceiptValue: number;
}

/**
 * The BG/NBD history of a customer in periods of `periodDays`: repeat purchase days x, the time from
 * the first purchase to the last t_x, and the age T. Undefined for a customer who never bought,
 * whom the model values as a new customer.
 */
export function repeatHistoryOf(facts: PurchaseHistoryFacts, periodDays = 7): RepeatHistory | undefined {
  const { purchaseDays, firstPurchaseAgeDays: first, recencyDays: last } = facts;
  if (!(purchaseDays >= 1) || !Number.isFinite(first) || !Number.isFinite(last)) return undefined;
  const frequency = Math.round(purchaseDays) - 1;
  // A purchase on the cut-off's eve is one day old; T counts to the cut-off, so a first purchase
  // that day still has a (short) age.
  const T = Math.max(first, 1) / periodDays;
  const recency = frequency === 0 ? 0 : Math.min(Math.max(first - last, 0) / periodDays, T);
  return { frequency, recency, T };
}

/**
 * The Gamma-Gamma spend of a customer with repeat purchases. The feature store keeps receipt values
 * of the last year rather than per purchase day since the first, so the mean receipt value of the
 * year stands in for the mean repeat-purchase value; undefined without a repeat or a positive spend.
 */
export function repeatSpendOf(facts: PurchaseHistoryFacts): RepeatSpend | undefined {
  const history = repeatHistoryOf(facts);
  if (history === undefined || history.frequency < 1 || !(facts.meanReceiptValue > 0)) return undefined;
  return { frequency: history.frequency, monetary: facts.meanReceiptValue };
}
