import { InvalidHistoryError } from './errors';

/** One purchase: whole UTC day numbers (days since 1970-01-01, as in `calendar.ts`). */
export interface PurchaseEvent {
  readonly customerId: string;
  readonly day: number;
  /** What was spent; only the spend model reads it. @default 0 */
  readonly value?: number;
}

/**
 * The BG/NBD summary of one customer at the end of an observation window, in periods of
 * `periodDays` days (weeks by default, as Fader, Hardie & Lee and the CDNOW reference figures use).
 */
export interface CustomerRfm {
  readonly customerId: string;
  /** Repeat purchases: purchase days after the first one. */
  readonly frequency: number;
  /** Periods from the first purchase to the last one (0 when there is no repeat). */
  readonly recency: number;
  /** Periods from the first purchase to the end of the window: the customer's age, "T". */
  readonly T: number;
  /** Mean spend of a repeat purchase day, the first purchase left out (0 without repeats). */
  readonly monetary: number;
}

export interface RfmOptions {
  /**
   * The last day observed, included: purchases after it are ignored (a holdout), and T runs up to
   * it. This is `lifetimes`' `observation_period_end`; CDNOW's 39-week calibration ends 1997-09-30.
   */
  readonly lastObservedDay: number;
  /** Days per period of recency and T. @default 7 */
  readonly periodDays?: number;
}

interface Accumulator {
  readonly spendByDay: Map<number, number>;
}

/**
 * The frequency / recency / T / monetary summary of every customer with a purchase on or before
 * `lastObservedDay`, in order of first appearance. Purchases on the same day count once (their
 * values add up): the models describe purchase occasions, and split baskets are one occasion.
 *
 * @throws InvalidHistoryError on a fractional or non-finite day, or a non-finite or negative value.
 * @example rfmSummary([{ customerId: 'a', day: 0 }, { customerId: 'a', day: 14 }], { lastObservedDay: 21 })
 * // [{ customerId: 'a', frequency: 1, recency: 2, T: 3, monetary: 0 }]
 */
export function rfmSummary(events: Iterable<PurchaseEvent>, options: RfmOptions): CustomerRfm[] {
  const { lastObservedDay, periodDays = 7 } = options;
  if (!Number.isInteger(lastObservedDay) || !(periodDays > 0)) {
    throw new InvalidHistoryError(
      `lastObservedDay must be a whole day and periodDays positive (got ${lastObservedDay}, ${periodDays})`,
    );
  }
  const customers = new Map<string, Accumulator>();
  for (const event of events) {
    const value = event.value ?? 0;
    if (!Number.isInteger(event.day) || !Number.isFinite(value) || value < 0) {
      throw new InvalidHistoryError(
        `customer ${event.customerId}: a purchase needs a whole day and a non-negative value (day ${event.day}, value ${value})`,
      );
    }
    if (event.day > lastObservedDay) continue;
    let customer = customers.get(event.customerId);
    if (!customer) {
      customer = { spendByDay: new Map() };
      customers.set(event.customerId, customer);
    }
    customer.spendByDay.set(event.day, (customer.spendByDay.get(event.day) ?? 0) + value);
  }
  return [...customers].map(([customerId, { spendByDay }]) => summarise(customerId, spendByDay));

  function summarise(customerId: string, spendByDay: ReadonlyMap<number, number>): CustomerRfm {
    const days = [...spendByDay.keys()].sort((x, y) => x - y);
    const first = days[0] ?? lastObservedDay;
    const last = days[days.length - 1] ?? first;
    const frequency = days.length - 1;
    let repeatSpend = 0;
    for (const day of days.slice(1)) repeatSpend += spendByDay.get(day) ?? 0;
    return {
      customerId,
      frequency,
      recency: (last - first) / periodDays,
      T: (lastObservedDay - first) / periodDays,
      monetary: frequency > 0 ? repeatSpend / frequency : 0,
    };
  }
}

/**
 * Repeat purchase days of each customer in (`afterDay`, `throughDay`]: the actual figure a
 * holdout check compares the predictions with (same-day purchases count once, as in the summary).
 */
export function purchaseDaysBetween(
  events: Iterable<PurchaseEvent>,
  afterDay: number,
  throughDay: number,
): Map<string, number> {
  const days = new Map<string, Set<number>>();
  for (const { customerId, day } of events) {
    if (day <= afterDay || day > throughDay) continue;
    let set = days.get(customerId);
    if (!set) {
      set = new Set();
      days.set(customerId, set);
    }
    set.add(day);
  }
  return new Map([...days].map(([customerId, set]) => [customerId, set.size]));
}
