import type { ContactChannel } from '../domain/contracts/datasets';
import type { Offer } from './offers';
import { affinityRatio, type CustomerTraits } from './world';

/**
 * The planted response model: the ground truth the engine should rediscover.
 *
 * A conversion is the customer's first basket worth at least QUALIFYING_BASKET_CENTS (gross) in the
 * CONVERSION_WINDOW_DAYS after the send. The definition does not depend on the offer, so a control
 * contact converts by the same rule as a treated one; the simulation keeps every other basket in that
 * window below the threshold, so the responses file and the transactions agree exactly.
 *
 * p_control is what the customer's own shopping would produce: the chance of at least one qualifying
 * basket in the window given their visit rate, the calendar and their share of baskets above the
 * threshold; 0 once they have churned. Frequent big-basket shoppers are the "sure things".
 * The uplift of an action (offer at a discount level, channel, send window) is the product of
 * - reach: the channel's reach, higher on the customer's preferred channel (visible in the
 *   sales-channel mix: app shoppers read push, online shoppers e-mail, counter shoppers SMS/letters);
 * - engagement: 1 up to 180 days of recency, then small: dormant customers are lost causes;
 * - persuasion: price sensitivity × the discount level × affinity to the offer's target category (visible
 *   as the share of discounted lines and the category shares), plus a large win-back effect for
 *   lapsing customers (recency 45-180 days) offered the retention incentive ("persuadables");
 * - headroom (1 - p_control)², as customers who shop anyway mostly take the discount without changing
 *   what they do, fatigue (0.6 when the customer was treated in the previous campaign) and the send
 *   time (up to 1.2 at the customer's usual shopping hour, 0.8 far from it).
 * Sleeping dogs (about 5%: frequent, high-value, price-insensitive) react negatively to SMS and to the
 * win-back discount.
 */

export const CONVERSION_WINDOW_DAYS = 14;

/** Smallest gross basket (before discounts) that counts as a conversion. */
export const QUALIFYING_BASKET_CENTS = 3000;

export interface ResponseState {
  /** Days since the last basket before the send; Infinity when the customer never bought. */
  readonly recencyDays: number;
  /** The customer was treated (not held out) in the previous campaign. */
  readonly contactedLastCampaign: boolean;
  /** Probability of converting in the window without contact (see `organicConversionProbability`). */
  readonly pControl: number;
}

export type CustomerKind = 'persuadable' | 'sure_thing' | 'lost_cause' | 'sleeping_dog';

const CHANNEL_REACH: Record<ContactChannel, number> = {
  email: 0.55,
  sms: 0.75,
  push: 0.5,
  direct_mail: 0.7,
  call_centre: 0.8,
};

/** Uplift from which a customer counts as persuadable in truth.jsonl. */
export const PERSUADABLE_UPLIFT = 0.05;
/** Control probability from which a customer without a persuadable arm counts as a sure thing. */
export const SURE_THING_P_CONTROL = 0.2;

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/**
 * Probability of at least one qualifying basket from the customer's own shopping: `visitChances` are
 * the daily visit probabilities over the window (all 0 once churned), `qualifyingShare` the share of
 * their baskets that reach the threshold.
 */
export function organicConversionProbability(
  visitChances: readonly number[],
  qualifyingShare: number,
): number {
  let none = 1;
  for (const p of visitChances) none *= 1 - p * qualifyingShare;
  return 1 - none;
}

/** Lapsing: long enough without a visit to be at risk, not yet gone. */
export function isLapsing(state: ResponseState): boolean {
  return state.recencyDays >= 45 && state.recencyDays <= 180;
}

/** Change in conversion probability caused by sending `offer` on `channel` (may be negative). */
export function uplift(
  traits: CustomerTraits,
  state: ResponseState,
  offer: Offer,
  channel: ContactChannel,
  sendHour: number | null,
): number {
  const pControl = state.pControl;
  if (traits.sleepingDog && (channel === 'sms' || offer.kind === 'retention_incentive')) {
    return -Math.min(pControl, 0.08 + 0.25 * pControl);
  }
  const preferred = channel === traits.preferredChannel;
  const reach = Math.min(1, CHANNEL_REACH[channel] * (preferred ? 1.5 : 0.8));
  const recency = state.recencyDays;
  const engagement = recency <= 180 ? 1 : recency <= 365 ? 0.3 : 0.08;
  const category =
    offer.targetCategory === null ? 1 : clamp(affinityRatio(traits, offer.targetCategory), 0.2, 3);
  const discount = 0.6 * traits.priceSensitivity * (offer.discountPct / 100) * category;
  const winBack =
    offer.kind === 'retention_incentive'
      ? isLapsing(state)
        ? 0.2 + 0.1 * traits.priceSensitivity
        : 0.005
      : 0;
  const fatigue = state.contactedLastCampaign ? 0.6 : 1;
  return (
    reach *
    engagement *
    (discount + winBack) *
    (1 - pControl) ** 2 *
    fatigue *
    sendTimeEffect(traits, sendHour)
  );
}

/**
 * A message read near the hour the customer usually shops works better: 1.2 at that hour, down
 * to 0.8 five hours or more away. Letters are not timed.
 */
export function sendTimeEffect(traits: CustomerTraits, sendHour: number | null): number {
  if (sendHour === null) return 1;
  return 0.8 + 0.4 * Math.max(0, 1 - Math.abs(sendHour - traits.preferredHour) / 5);
}

/** Probability of converting when sent `offer` (at its discountPct) on `channel` at `sendHour`. */
export function treatedProbability(
  traits: CustomerTraits,
  state: ResponseState,
  offer: Offer,
  channel: ContactChannel,
  sendHour: number | null,
): number {
  return clamp(state.pControl + uplift(traits, state, offer, channel, sendHour), 0, 1);
}

/** The uplift quadrant of a customer, from the planted numbers. */
export function kindOf(traits: CustomerTraits, pControl: number, uplifts: readonly number[]): CustomerKind {
  if (traits.sleepingDog) return 'sleeping_dog';
  const best = uplifts.length === 0 ? 0 : Math.max(...uplifts);
  if (best >= PERSUADABLE_UPLIFT) return 'persuadable';
  return pControl >= SURE_THING_P_CONTROL ? 'sure_thing' : 'lost_cause';
}
