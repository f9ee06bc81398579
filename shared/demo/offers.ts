import type { ContactChannel, OFFER_KINDS } from '../domain/contracts/datasets';
import { formatDay } from './calendar';
import { categoryIndex } from './products';
import type { Frame } from './world';

/** The offers and channels of the demo retailer, and the two past campaigns that used them. */

export type OfferKind = (typeof OFFER_KINDS)[number];

export interface Offer {
  readonly id: string;
  readonly name: string;
  readonly kind: OfferKind;
  readonly targetCategory: number | null;
  readonly targetCategoryName: string | null;
  /** Discount in percent of the basket; for amount_off offers the equivalent percent. */
  readonly discountPct: number;
  /** Levels the offer may be sent at, ascending, the default (discountPct) among them. */
  readonly discountLevels: readonly number[];
  /** Fixed amount off a qualifying basket (amount_off offers only). */
  readonly amountOffCents: number | null;
  readonly validFromDay: number;
  readonly validToDay: number;
  readonly maxVolume: number | null;
}

export interface Channel {
  readonly id: ContactChannel;
  readonly costPerContact: number;
  readonly capacityPerDay: number;
  readonly windowStart: string | null;
  readonly windowEnd: string | null;
}

export interface CampaignPlan {
  readonly id: string;
  readonly sendDay: number;
  readonly offers: readonly Offer[];
  readonly channels: readonly ContactChannel[];
  /** Share of the customers randomized into the control group. */
  readonly controlShare: number;
}

/** Days before asOf on which the two past campaigns were sent. */
export const PAST_CAMPAIGN_OFFSETS = [150, 60] as const;

/** Minimum basket for the amount-off offer. */
export const AMOUNT_OFF_MIN_BASKET_CENTS = 4000;

export const DEMO_CHANNELS: readonly Channel[] = [
  { id: 'email', costPerContact: 0.02, capacityPerDay: 50_000, windowStart: '08:00', windowEnd: '20:00' },
  { id: 'sms', costPerContact: 0.06, capacityPerDay: 4_000, windowStart: '09:00', windowEnd: '19:00' },
  { id: 'push', costPerContact: 0.01, capacityPerDay: 10_000, windowStart: '10:00', windowEnd: '20:00' },
  // Letters are posted, not timed, so direct mail has no send window.
  { id: 'direct_mail', costPerContact: 0.85, capacityPerDay: 2_000, windowStart: null, windowEnd: null },
];

/** The demo offers; validity covers both past campaigns and asOf .. asOf + 60 days. */
export function demoOffers(frame: Frame, customers: number): Offer[] {
  const [first, second] = PAST_CAMPAIGN_OFFSETS;
  const from = frame.asOfDay - first - 14;
  const to = frame.asOfDay + 60;
  return [
    {
      id: 'O-FRESH10',
      name: 'Fresh produce 10% off',
      kind: 'percent_off',
      targetCategory: categoryIndex('produce'),
      targetCategoryName: 'produce',
      discountPct: 10,
      discountLevels: [5, 10, 15],
      amountOffCents: null,
      validFromDay: from,
      validToDay: to,
      maxVolume: null,
    },
    {
      id: 'O-BASKET5',
      name: '5 off a basket of 40 or more',
      kind: 'amount_off',
      targetCategory: null,
      targetCategoryName: null,
      discountPct: 8,
      discountLevels: [8],
      amountOffCents: 500,
      validFromDay: from,
      validToDay: to,
      maxVolume: null,
    },
    {
      id: 'O-SNACKBOGO',
      // The comma makes the partner's CSV quote this cell, as real exports do.
      name: 'Snacks: buy one, get one free',
      kind: 'buy_one_get_one',
      targetCategory: categoryIndex('snacks'),
      targetCategoryName: 'snacks',
      discountPct: 25,
      discountLevels: [25],
      amountOffCents: null,
      validFromDay: frame.asOfDay - second - 14,
      validToDay: to,
      maxVolume: Math.max(1, Math.round(customers * 0.15)),
    },
    {
      id: 'O-WINBACK15',
      name: 'We miss you: 15% off your next basket',
      kind: 'retention_incentive',
      targetCategory: null,
      targetCategoryName: null,
      discountPct: 15,
      discountLevels: [10, 15, 20],
      amountOffCents: null,
      validFromDay: from,
      validToDay: to,
      maxVolume: null,
    },
  ];
}

/** The two past campaigns: the first without the snack offer or letters, the second with everything. */
export function pastCampaigns(frame: Frame, offers: readonly Offer[], controlShare: number): CampaignPlan[] {
  return PAST_CAMPAIGN_OFFSETS.map((offset, k) => {
    const sendDay = frame.asOfDay - offset;
    return {
      id: `CMP-${formatDay(sendDay)}`,
      sendDay,
      controlShare,
      offers: offers.filter(
        (o) => o.validFromDay <= sendDay && o.validToDay >= sendDay && (k > 0 || o.id !== 'O-SNACKBOGO'),
      ),
      channels: k === 0 ? ['email', 'sms', 'push'] : ['email', 'sms', 'push', 'direct_mail'],
    };
  });
}

/** The arms of the next campaign: every offer valid on the send day on every demo channel. */
export function nextCampaign(frame: Frame, offers: readonly Offer[]): CampaignPlan {
  return {
    id: `CMP-${formatDay(frame.nextSendDay)}`,
    sendDay: frame.nextSendDay,
    // The engine plans the next campaign; its control group is the plan's holdout.
    controlShare: 0,
    offers: offers.filter((o) => o.validFromDay <= frame.nextSendDay && o.validToDay >= frame.nextSendDay),
    channels: DEMO_CHANNELS.map((c) => c.id),
  };
}

/** Seconds after midnight of an `HH:MM` window bound. */
export function windowSeconds(hhmm: string | null, fallback: string): number {
  const [h, m] = (hhmm ?? fallback).split(':').map(Number);
  return ((h ?? 0) * 60 + (m ?? 0)) * 60;
}

export function channelById(id: ContactChannel): Channel {
  const channel = DEMO_CHANNELS.find((c) => c.id === id);
  if (!channel) throw new Error(`unknown channel ${id}`);
  return channel;
}
