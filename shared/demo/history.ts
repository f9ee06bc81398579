import { dayOfMonth, monthOf, SECONDS_PER_DAY, weekdayOf } from './calendar';
import { type ContactRecord, runContact } from './campaigns';
import { type BasketEconomics, basketEconomics } from './economics';
import type { CampaignPlan } from './offers';
import { Random } from './random';
import {
  CONVERSION_WINDOW_DAYS,
  organicConversionProbability,
  QUALIFYING_BASKET_CENTS,
  type ResponseState,
} from './response-model';
import { type Basket, type BasketMaker, netCents } from './transactions';
import type { CustomerTraits, Frame } from './world';

/**
 * Simulates one customer's history day by day: organic visits, the past campaigns with their
 * outcomes, and returns. Memory is one customer's receipts, whatever the size of the batch.
 */

export interface SimulationContext {
  readonly seed: number;
  readonly frame: Frame;
  readonly maker: BasketMaker;
  readonly campaigns: readonly CampaignPlan[];
  readonly days: DayTable;
}

export interface CustomerHistory {
  /** Receipts in time order: organic visits, conversions and returns. */
  readonly baskets: Basket[];
  readonly contacts: ContactRecord[];
  /** The customer's state on the next campaign's send day, which truth.jsonl is computed from. */
  readonly nextState: ResponseState;
  readonly economics: BasketEconomics;
  /** What the customer's own shopping holds in store from the next send day, for truth.jsonl. */
  readonly outlook: CustomerOutlook;
}

/**
 * The signals the usual targeting rules use (RFM, churn risk, value), as the simulation knows
 * them: the baseline strategies of the scorecard rank customers by these.
 */
export interface CustomerOutlook {
  /** Baskets bought in the 365 days before the send day (returns excluded). */
  readonly frequency365: number;
  /** Net spend of those baskets, in the batch currency. */
  readonly monetary365: number;
  /** True probability of no purchase in the 90 days from the send day, without contact. */
  readonly churn90: number;
  /** Expected net spend in the 180 days from the send day, without contact. */
  readonly value180: number;
}

const CHURN_HORIZON_DAYS = 90;
const VALUE_HORIZON_DAYS = 180;

/** Visit-rate multipliers from the first history day to the end of the next campaign's value horizon. */
export interface DayTable {
  readonly firstDay: number;
  readonly season: Float64Array;
  readonly weekday: Uint8Array;
}

const MONTH_FACTOR = [0.85, 0.85, 0.92, 0.95, 1.0, 0.98, 0.95, 0.95, 0.98, 1.0, 1.08, 1.45];
const RETURN_RATE = 0.02;
const MAX_RETURN_DELAY_DAYS = 21;
const MAX_DAILY_VISIT_PROBABILITY = 0.9;
const DAYS_PER_MONTH = 30.44;

/** Yearly seasonality with a December peak (busiest the week before Christmas); closed on 25 Dec and 1 Jan. */
export function dayTable(frame: Frame): DayTable {
  const lastDay = Math.max(frame.endDay, frame.nextSendDay + VALUE_HORIZON_DAYS);
  const length = lastDay - frame.historyStartDay + 1;
  const season = new Float64Array(length);
  const weekday = new Uint8Array(length);
  for (let k = 0; k < length; k++) {
    const day = frame.historyStartDay + k;
    const month = monthOf(day);
    const date = dayOfMonth(day);
    let factor = MONTH_FACTOR[month - 1] ?? 1;
    if (month === 12 && date >= 18 && date <= 24) factor *= 1.35;
    if (month === 12 && date === 31) factor *= 0.7;
    if ((month === 12 && date === 25) || (month === 1 && date === 1)) factor = 0;
    season[k] = factor;
    weekday[k] = weekdayOf(day);
  }
  return { firstDay: frame.historyStartDay, season, weekday };
}

/** Probability that the customer shops on `day`: 0 before sign-up and after churn. */
function visitChance(days: DayTable, traits: CustomerTraits, day: number): number {
  if (day < traits.signupDay || day >= traits.churnDay) return 0;
  const k = day - days.firstDay;
  const p =
    (traits.activity / DAYS_PER_MONTH) *
    (days.season[k] ?? 1) *
    (traits.weekdayFactors[days.weekday[k] ?? 0] ?? 1);
  return Math.min(p, MAX_DAILY_VISIT_PROBABILITY);
}

function stateAt(
  days: DayTable,
  traits: CustomerTraits,
  economics: BasketEconomics,
  baskets: readonly Basket[],
  day: number,
  treatedLast: boolean,
): ResponseState {
  const before = day * SECONDS_PER_DAY;
  let last = Number.NEGATIVE_INFINITY;
  for (const b of baskets) {
    if (b.kind !== 'return' && b.ts < before && b.ts > last) last = b.ts;
  }
  const chances = Array.from({ length: CONVERSION_WINDOW_DAYS }, (_, k) =>
    visitChance(days, traits, day + k),
  );
  return {
    recencyDays: day - Math.floor(last / SECONDS_PER_DAY),
    contactedLastCampaign: treatedLast,
    pControl: organicConversionProbability(chances, economics.qualifyingShare),
  };
}

function outlookAt(
  days: DayTable,
  traits: CustomerTraits,
  economics: BasketEconomics,
  baskets: readonly Basket[],
  day: number,
): CustomerOutlook {
  const from = (day - 365) * SECONDS_PER_DAY;
  const before = day * SECONDS_PER_DAY;
  let frequency = 0;
  let cents = 0;
  for (const b of baskets) {
    if (b.kind === 'return' || b.ts < from || b.ts >= before) continue;
    frequency += 1;
    cents += netCents(b);
  }
  let none = 1;
  let visits = 0;
  for (let k = 0; k < VALUE_HORIZON_DAYS; k++) {
    const p = visitChance(days, traits, day + k);
    if (k < CHURN_HORIZON_DAYS) none *= 1 - p;
    visits += p;
  }
  // A customer without recent baskets is valued at their converting basket, the only size known.
  const basketValue = frequency > 0 ? cents / 100 / frequency : economics.responseValue;
  return {
    frequency365: frequency,
    monetary365: cents / 100,
    churn90: none,
    value180: visits * basketValue,
  };
}

/** The full history of one customer; a function of the seed and the customer's traits. */
export function simulateCustomer(ctx: SimulationContext, traits: CustomerTraits): CustomerHistory {
  const { frame, maker, days } = ctx;
  const rng = Random.stream(ctx.seed, 'history', traits.index);
  const economics = basketEconomics(ctx.seed, maker, traits);
  const baskets: Basket[] = [];
  const contacts: ContactRecord[] = [];
  const windowStarts: number[] = [];
  const lastOrganicDay = Math.min(frame.endDay, traits.churnDay - 1);
  let day = Math.max(frame.historyStartDay, traits.signupDay);

  const inWindow = (d: number) => windowStarts.some((s) => d >= s && d < s + CONVERSION_WINDOW_DAYS);
  const organicUntil = (last: number) => {
    const stop = Math.min(last, lastOrganicDay);
    for (; day <= stop; day++) {
      if (rng.uniform() >= visitChance(days, traits, day)) continue;
      // Inside a conversion window only small top-up shops happen organically, so the first
      // qualifying basket there is the conversion the responses file reports.
      const cap = inWindow(day) ? QUALIFYING_BASKET_CENTS : Number.POSITIVE_INFINITY;
      const basket = maker.organic(rng, traits, maker.shopTime(rng, traits, day), cap);
      if (basket) baskets.push(basket);
    }
    day = Math.max(day, last + 1);
  };

  let treatedLast = false;
  for (const plan of ctx.campaigns) {
    if (traits.signupDay >= plan.sendDay) continue;
    organicUntil(plan.sendDay - 1);
    const state = stateAt(days, traits, economics, baskets, plan.sendDay, treatedLast);
    const outcome = runContact(ctx.seed, maker, traits, plan, state);
    // Without a control group, a customer no channel may reach is simply not contacted.
    if (plan.controlShare > 0 || outcome.contact.group === 'treatment') contacts.push(outcome.contact);
    if (outcome.conversion) baskets.push(outcome.conversion);
    windowStarts.push(plan.sendDay);
    treatedLast = outcome.contact.group === 'treatment';
  }
  organicUntil(frame.endDay);

  const bought = baskets.length;
  for (let b = 0; b < bought; b++) {
    const basket = baskets[b];
    if (!basket) continue;
    for (const line of basket.lines) {
      if (!rng.chance(RETURN_RATE)) continue;
      const returnDay = Math.floor(basket.ts / SECONDS_PER_DAY) + rng.int(1, MAX_RETURN_DELAY_DAYS);
      if (returnDay > frame.endDay) continue;
      baskets.push(maker.returnOf(rng, basket, line, maker.shopTime(rng, traits, returnDay)));
    }
  }
  baskets.sort((a, b) => a.ts - b.ts);
  const nextState = stateAt(days, traits, economics, baskets, frame.nextSendDay, treatedLast);
  const outlook = outlookAt(days, traits, economics, baskets, frame.nextSendDay);
  return { baskets, contacts, nextState, economics, outlook };
}
