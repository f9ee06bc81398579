import type { ContactChannel } from '../domain/contracts/datasets';
import { campaignActions } from './actions';
import { SECONDS_PER_DAY } from './calendar';
import {
  AMOUNT_OFF_MIN_BASKET_CENTS,
  type CampaignPlan,
  channelById,
  type Offer,
  windowSeconds,
} from './offers';
import { Random } from './random';
import {
  CONVERSION_WINDOW_DAYS,
  QUALIFYING_BASKET_CENTS,
  type ResponseState,
  treatedProbability,
} from './response-model';
import { type Basket, type BasketMaker, netCents } from './transactions';
import type { CustomerTraits } from './world';

/**
 * One customer's part in a past campaign: the randomised assignment, the send, and the outcome
 * drawn from the planted response model.
 *
 * Assignment: 20% control; the rest uniformly over the actions (offer × discount level × channel ×
 * send window) whose channel the customer consents to. Customers with no consent to any of the campaign's channels cannot be contacted, so
 * they are always control: they are in the control group but not randomised, and a balance check
 * should look at customers with at least one eligible channel.
 */

export const CONTROL_SHARE = 0.2;
/** The campaign's launch time; control contacts carry it as sent_at. */
const LAUNCH_SECONDS = 8 * 3600;
const SEND_SPREAD_SECONDS = 3 * 3600;
/** A timed send goes out within the hour of its window. */
const SEND_WINDOW_SECONDS = 3600;
const SHOP_CLOSES_SECONDS = 21 * 3600;

export interface ContactRecord {
  readonly campaign: CampaignPlan;
  readonly group: 'treatment' | 'control';
  readonly offer: Offer | null;
  readonly channel: ContactChannel | null;
  readonly sentAt: number;
  readonly openedAt: number | null;
  readonly clickedAt: number | null;
  readonly convertedAt: number | null;
  readonly revenueCents: number | null;
}

export interface ContactOutcome {
  readonly contact: ContactRecord;
  /** The converting basket, which belongs in the customer's transactions. */
  readonly conversion: Basket | null;
}

/** Channels of the campaign the customer may be contacted on. */
export function eligibleChannels(
  traits: CustomerTraits,
  channels: readonly ContactChannel[],
): ContactChannel[] {
  return channels.filter((c) => traits.consent[c]);
}

function conversionTime(
  rng: Random,
  maker: BasketMaker,
  traits: CustomerTraits,
  sendDay: number,
  sentAt: number,
) {
  // Most conversions come in the first days after the send.
  const delay = Math.min(CONVERSION_WINDOW_DAYS - 1, Math.floor(rng.exponential(3)));
  const ts = maker.shopTime(rng, traits, sendDay + delay);
  const earliest = sentAt + 1800;
  if (ts >= earliest) return ts;
  const closing = sendDay * SECONDS_PER_DAY + SHOP_CLOSES_SECONDS - 1;
  return earliest <= closing ? rng.int(earliest, closing) : maker.shopTime(rng, traits, sendDay + 1);
}

/** A time strictly between `after` and `before`, or `fallback` when there is no `before`. */
function between(rng: Random, after: number, before: number | null, fallback: number): number {
  if (before === null || fallback < before) return fallback;
  return after + Math.max(1, Math.floor((before - after) * rng.uniform(0.05, 0.6)));
}

function engagement(
  rng: Random,
  traits: CustomerTraits,
  channel: ContactChannel,
  sentAt: number,
  convertedAt: number | null,
): { openedAt: number | null; clickedAt: number | null } {
  const converted = convertedAt !== null;
  const preferred = channel === traits.preferredChannel;
  if (channel === 'email' || channel === 'push') {
    const base = channel === 'email' ? (preferred ? 0.34 : 0.24) : preferred ? 0.3 : 0.2;
    if (!rng.chance(converted ? 0.75 : base)) return { openedAt: null, clickedAt: null };
    const openedAt = between(
      rng,
      sentAt,
      convertedAt,
      sentAt + 60 + Math.floor(Math.min(rng.exponential(10_800), 172_800)),
    );
    if (!rng.chance(converted ? 0.6 : 0.12)) return { openedAt, clickedAt: null };
    return { openedAt, clickedAt: between(rng, openedAt, convertedAt, openedAt + rng.int(20, 1800)) };
  }
  if (channel === 'sms' && rng.chance(converted ? 0.35 : 0.04)) {
    // SMS links are tracked, reads are not.
    const clickedAt = between(
      rng,
      sentAt,
      convertedAt,
      sentAt + 30 + Math.floor(Math.min(rng.exponential(3600), 86_400)),
    );
    return { openedAt: null, clickedAt };
  }
  return { openedAt: null, clickedAt: null };
}

/** Assigns, sends and resolves one customer's contact in a past campaign. */
export function runContact(
  seed: number,
  maker: BasketMaker,
  traits: CustomerTraits,
  plan: CampaignPlan,
  state: ResponseState,
): ContactOutcome {
  // A stream per (campaign, customer) keeps the randomisation independent of the purchase history.
  const rng = Random.stream(seed, 'contact', plan.id, traits.index);
  const arms = campaignActions(plan.offers, eligibleChannels(traits, plan.channels));
  const control = rng.chance(plan.controlShare) || arms.length === 0;
  const arm = control ? null : rng.pick(arms);
  const dayStart = plan.sendDay * SECONDS_PER_DAY;
  const sendHour = arm?.window.hour ?? null;
  const sentAt =
    arm === null
      ? dayStart + LAUNCH_SECONDS
      : sendHour === null
        ? dayStart +
          windowSeconds(channelById(arm.channel).windowStart, '08:00') +
          rng.int(0, SEND_SPREAD_SECONDS - 1)
        : dayStart + sendHour * 3600 + rng.int(0, SEND_WINDOW_SECONDS - 1);
  const p =
    arm === null ? state.pControl : treatedProbability(traits, state, arm.offer, arm.channel, sendHour);
  let conversion: Basket | null = null;
  if (rng.chance(p)) {
    const minGross = Math.max(
      QUALIFYING_BASKET_CENTS,
      arm?.offer.kind === 'amount_off' ? AMOUNT_OFF_MIN_BASKET_CENTS : 0,
    );
    const at = conversionTime(rng, maker, traits, plan.sendDay, sentAt);
    conversion = maker.conversion(rng, traits, at, arm?.offer ?? null, minGross);
  }
  const convertedAt = conversion?.ts ?? null;
  const { openedAt, clickedAt } =
    arm === null
      ? { openedAt: null, clickedAt: null }
      : engagement(rng, traits, arm.channel, sentAt, convertedAt);
  return {
    contact: {
      campaign: plan,
      group: arm === null ? 'control' : 'treatment',
      offer: arm?.offer ?? null,
      channel: arm?.channel ?? null,
      sentAt,
      openedAt,
      clickedAt,
      convertedAt,
      revenueCents: conversion === null ? null : netCents(conversion),
    },
    conversion,
  };
}
