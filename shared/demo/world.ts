import { CONTACT_CHANNELS, type ContactChannel } from '../domain/contracts/datasets';
import { yearOf } from './calendar';
import { CATEGORY_POPULARITY, categoryIndex } from './products';
import { cumulative, Random } from './random';

/**
 * The latent side of the demo retailer: traits that drive the simulation but are never written.
 * Every trait leaves a trace in the data (frequency, basket size, discount share, category shares,
 * sales-channel mix), which is what makes the planted response model learnable.
 */

export const REGIONS = ['north', 'south', 'east', 'west', 'central'] as const;
const REGION_WEIGHTS = [0.18, 0.22, 0.17, 0.15, 0.28];
const BRANCH_WEIGHTS = [0.4, 0.25, 0.2, 0.15];

/** 20 branches, 4 per region: B01-B04 in the first region, and so on. */
export const BRANCHES: readonly { id: string; region: string }[] = REGIONS.flatMap((region, r) =>
  BRANCH_WEIGHTS.map((_, b) => ({ id: `B${String(r * 4 + b + 1).padStart(2, '0')}`, region })),
);

export type Persona = 'regular' | 'high_value' | 'otc_only';
export type Lifecycle = 'new' | 'active' | 'lapsing' | 'dormant' | 'otc_only' | 'high_value';

/** Time frame of a batch, in day numbers (see calendar.ts). */
export interface Frame {
  readonly asOfDay: number;
  readonly historyStartDay: number;
  /** Last day with data: the day before asOf. */
  readonly endDay: number;
  /** Send day of the next campaign, the one truth.jsonl describes. */
  readonly nextSendDay: number;
}

export interface CustomerTraits {
  readonly index: number;
  readonly id: string;
  readonly signupDay: number;
  readonly region: string;
  readonly branch: number;
  readonly birthYear: number | null;
  readonly gender: 'f' | 'm' | 'x' | 'u' | null;
  readonly consent: Readonly<Record<ContactChannel, boolean>>;
  /** Whether this customer's partner system leaves "no consent" empty rather than writing false. */
  readonly consentBlank: boolean;
  readonly persona: Persona;
  readonly lifecycle: Lifecycle;
  /** Baskets per month while the customer has not churned. */
  readonly activity: number;
  /** Basket size multiplier, about 1 on average. */
  readonly spend: number;
  /** 0..1: drives the share of discounted lines and the response to discounts. */
  readonly priceSensitivity: number;
  /** Share of lines per category (sums to 1), indexed like CATEGORIES. */
  readonly affinity: Float64Array;
  readonly affinityCumulative: Float64Array;
  /** Cumulative weights over SALES_CHANNELS (online, over_the_counter, app). */
  readonly salesMix: Float64Array;
  /** The contact channel the customer reacts to best (one they consent to, when any). */
  readonly preferredChannel: ContactChannel;
  readonly preferredHour: number;
  /** Visit-rate multiplier per weekday (0 = Sunday), mean 1. */
  readonly weekdayFactors: Float64Array;
  /** First day without organic purchases; Infinity when the customer never churns. */
  readonly churnDay: number;
  /** Frequent high-value buyers who are annoyed by SMS and by win-back discounts. */
  readonly sleepingDog: boolean;
}

/** Channels past and future campaigns use; call_centre consent exists but no campaign calls. */
export const CAMPAIGN_CHANNELS: readonly ContactChannel[] = ['email', 'sms', 'push', 'direct_mail'];

const CONSENT_RATE: Record<ContactChannel, number> = {
  email: 0.8,
  sms: 0.5,
  push: 0.4,
  direct_mail: 0.3,
  call_centre: 0.1,
};

const GENDERS = ['f', 'm', 'x', 'u'] as const;
const BASE_WEEKDAY = [1.1, 0.85, 0.85, 0.9, 0.95, 1.15, 1.35];
const BABY = categoryIndex('baby');
const PET = categoryIndex('pet');
const WINE = categoryIndex('wine');

/** Signup days of all customers, ascending, so customer ids follow signup order as in a real CRM. */
export function signupDays(seed: number, customers: number, frame: Frame): Int32Array {
  const rng = Random.stream(seed, 'signups');
  const days = new Int32Array(customers);
  for (let i = 0; i < customers; i++) days[i] = frame.asOfDay - rng.int(1, 3 * 365);
  return days.sort();
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function drawAffinity(rng: Random, age: number): Float64Array {
  const parent = rng.chance(age >= 24 && age <= 45 ? 0.25 : 0.04);
  const petOwner = rng.chance(0.3);
  const wineDrinker = rng.chance(0.4);
  const weights = CATEGORY_POPULARITY.map((p) => p * rng.lognormal(1, 0.75));
  weights[BABY] = (weights[BABY] ?? 0) * (parent ? 6 : 0.05);
  weights[PET] = (weights[PET] ?? 0) * (petOwner ? 3 : 0.1);
  weights[WINE] = (weights[WINE] ?? 0) * (wineDrinker ? 2.5 : 0.15);
  const total = weights.reduce((a, b) => a + b, 0);
  return Float64Array.from(weights, (w) => w / total);
}

function drawSalesMix(rng: Random, persona: Persona, age: number): Float64Array {
  if (persona === 'otc_only') return cumulative([0, 1, 0]);
  const primaryWeights = age < 35 ? [0.3, 0.25, 0.45] : age <= 55 ? [0.3, 0.45, 0.25] : [0.2, 0.7, 0.1];
  const primary = rng.weighted(primaryWeights);
  const split = rng.uniform();
  const others = [0, 1, 2].filter((c) => c !== primary);
  const mix = [0, 0, 0];
  mix[primary] = 0.7;
  mix[others[0] ?? 0] = 0.3 * split;
  mix[others[1] ?? 0] = 0.3 * (1 - split);
  return cumulative(mix);
}

function primarySalesChannel(mix: Float64Array): number {
  const shares = [mix[0] ?? 0, (mix[1] ?? 0) - (mix[0] ?? 0), (mix[2] ?? 0) - (mix[1] ?? 0)];
  return shares.indexOf(Math.max(...shares));
}

function drawPreferredChannel(
  rng: Random,
  consent: Record<ContactChannel, boolean>,
  primarySales: number,
  age: number,
): ContactChannel {
  const eligible = CAMPAIGN_CHANNELS.filter((c) => consent[c]);
  if (eligible.length === 0) return 'email';
  // Digital shoppers read e-mail and push; counter shoppers answer texts and letters.
  const affinity: Record<ContactChannel, number> = {
    email: primarySales === 0 ? 3 : 1,
    sms: primarySales === 1 ? 1.8 : 0.8,
    push: primarySales === 2 ? 3.3 : 0.3,
    direct_mail: age > 60 ? 1.4 : 0.4,
    call_centre: 0,
  };
  return eligible[rng.weighted(eligible.map((c) => affinity[c]))] ?? 'email';
}

function drawChurn(
  rng: Random,
  persona: Persona,
  signupDay: number,
  frame: Frame,
): { churnDay: number; forced?: Lifecycle } {
  // A monthly hazard of about 4%, much lower for the loyal high-value shoppers.
  const natural = signupDay + rng.exponential(persona === 'high_value' ? 2000 : 800);
  const r = rng.uniform();
  if (r < 0.1 && signupDay < frame.endDay - 200) {
    return { churnDay: frame.endDay - rng.int(25, 140), forced: 'lapsing' };
  }
  if (r < 0.2 && signupDay < frame.endDay - 400) {
    return { churnDay: signupDay + rng.int(30, frame.endDay - 210 - signupDay), forced: 'dormant' };
  }
  return { churnDay: natural > frame.nextSendDay + 365 ? Number.POSITIVE_INFINITY : Math.floor(natural) };
}

function lifecycleOf(persona: Persona, signupDay: number, churnDay: number, frame: Frame): Lifecycle {
  if (churnDay <= frame.endDay - 150) return 'dormant';
  if (churnDay <= frame.endDay) return 'lapsing';
  if (signupDay >= frame.endDay - 120) return 'new';
  if (persona === 'regular') return 'active';
  return persona;
}

/** The latent traits of customer `index` (0-based); a function of the seed, the index and the signup day. */
export function customerTraits(seed: number, index: number, signupDay: number, frame: Frame): CustomerTraits {
  const rng = Random.stream(seed, 'traits', index);
  const personaDraw = rng.uniform();
  const persona: Persona = personaDraw < 0.12 ? 'high_value' : personaDraw < 0.24 ? 'otc_only' : 'regular';
  const age = Math.round(
    Math.min(90, Math.max(18, persona === 'otc_only' ? rng.normal(60, 12) : rng.normal(44, 14))),
  );
  const regionIndex = rng.weighted(REGION_WEIGHTS);
  const branch = regionIndex * 4 + rng.weighted(BRANCH_WEIGHTS);
  const consent = Object.fromEntries(
    CONTACT_CHANNELS.map((c) => {
      // Counter-only shoppers rarely install the app, so they rarely allow push.
      const rate = c === 'push' && persona === 'otc_only' ? 0.1 : CONSENT_RATE[c];
      return [c, rng.chance(rate)];
    }),
  ) as Record<ContactChannel, boolean>;
  const salesMix = drawSalesMix(rng, persona, age);
  const affinity = drawAffinity(rng, age);
  const activity =
    persona === 'high_value'
      ? rng.lognormal(4.5, 0.35)
      : persona === 'otc_only'
        ? rng.lognormal(1.6, 0.6)
        : rng.lognormal(0.95, 0.75);
  const spend = persona === 'high_value' ? rng.lognormal(1.6, 0.3) : rng.lognormal(0.95, 0.4);
  const sensitivityShift = persona === 'high_value' ? -1.6 : persona === 'otc_only' ? 0.3 : -0.2;
  const priceSensitivity = logistic(rng.normal(sensitivityShift, 1.2));
  const preferredWeekday = rng.weighted(BASE_WEEKDAY);
  const weekday = BASE_WEEKDAY.map((w, d) => (d === preferredWeekday ? w * 1.8 : w));
  const weekdayMean = weekday.reduce((a, b) => a + b, 0) / 7;
  const hourChoices = persona === 'otc_only' ? [9, 10, 11, 15, 16, 17] : [9, 11, 12, 13, 15, 16, 17, 18];
  const preferredHour = rng.pick(hourChoices) + rng.normal(0, 1);
  const { churnDay, forced } = drawChurn(rng, persona, signupDay, frame);
  const anyCampaignConsent = CAMPAIGN_CHANNELS.some((c) => consent[c]);
  return {
    index,
    id: customerId(index),
    signupDay,
    region: REGIONS[regionIndex] ?? 'central',
    branch,
    birthYear: rng.chance(0.05) ? null : yearOf(frame.asOfDay) - age,
    gender: rng.chance(0.03) ? null : (GENDERS[rng.weighted([0.49, 0.46, 0.01, 0.04])] ?? 'u'),
    consent,
    consentBlank: rng.chance(0.15),
    persona,
    lifecycle: forced ?? lifecycleOf(persona, signupDay, churnDay, frame),
    activity,
    spend,
    priceSensitivity,
    affinity,
    affinityCumulative: cumulative([...affinity]),
    salesMix,
    preferredChannel: drawPreferredChannel(rng, consent, primarySalesChannel(salesMix), age),
    preferredHour,
    weekdayFactors: Float64Array.from(weekday, (w) => w / weekdayMean),
    churnDay,
    sleepingDog:
      persona === 'high_value' && churnDay > frame.nextSendDay && anyCampaignConsent && rng.chance(0.55),
  };
}

/** Customer id of a 0-based index: C000001, C000002, … */
export function customerId(index: number): string {
  return `C${String(index + 1).padStart(6, '0')}`;
}

/** How much more than the average customer this one buys from a category (1 = average). */
export function affinityRatio(traits: CustomerTraits, category: number): number {
  return (traits.affinity[category] ?? 0) / (CATEGORY_POPULARITY[category] ?? 1);
}
