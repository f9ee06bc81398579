import type { AllocationProblem } from '../../shared/domain/allocation/index';
import { trueAllocationProblem } from '../../shared/domain/scorecard/strategies';
import { makeProblem, mulberry32, type OptionSpec, randomProblem } from '../unit/allocation/fixtures';
import { randomWorld } from '../unit/scorecard/world-fixture';

/**
 * Campaign-shaped allocation instances, shared by the allocation benchmark and the tests that hold
 * the solver to the exact optimum, so both exercise the same shape.
 */

/** An instance and a label that says where it came from. */
export interface Instance {
  problem: AllocationProblem;
  shape: string;
}

export interface CampaignShape {
  customers: number;
  /** Every customer gets one option per (channel, offer) pair. */
  channels: number;
  offers: number;
  /**
   * When set, customers are copies of this many segment profiles, as when scores come from a
   * segment-level model: option values then tie exactly across many customers.
   */
  segments?: number;
  /** The budget as a share of what everyone's costliest profitable option would spend. */
  budgetShare: number;
}

/**
 * Customers differ in responsiveness, channels in contact cost and reach, offers in lift and
 * discount cost; about a tenth of the options lose money. Two channels and two offers are
 * capacity-limited (15% and 4% of the customers; 5% and 20%).
 */
export function campaignShapedProblem(rand: () => number, shape: CampaignShape): AllocationProblem {
  const { customers, channels, offers } = shape;
  const perCustomer = channels * offers;
  const total = customers * perCustomer;
  const optionStart = new Int32Array(customers + 1);
  const value = new Float64Array(total);
  const cost = new Float64Array(total);
  const channel = new Int32Array(total);
  const offer = new Int32Array(total);
  const contactCost = [0.02, 0.08, 0.01, 0.9, 0.05, 0.3];
  const reach = [1, 1.6, 0.7, 2.4, 1.2, 1.8];
  const lift = [1, 1.3, 1.7, 2.2, 2.8, 3.5, 4.1, 5];
  const discount = [0.5, 1, 2, 3.5, 5, 7, 9, 12];
  const firstOf = new Map<number, number>();
  let maxSpend = 0;
  let j = 0;
  for (let i = 0; i < customers; i++) {
    // A segment profile is generated once, where its first customer is, and copied after that.
    const segment = shape.segments ? Math.floor(rand() * shape.segments) : i;
    const first = shape.segments ? (firstOf.get(segment) ?? -1) : -1;
    let customerMax = 0;
    if (first >= 0) {
      for (let k = 0; k < perCustomer; k++, j++) {
        value[j] = value[first + k] as number;
        cost[j] = cost[first + k] as number;
        channel[j] = channel[first + k] as number;
        offer[j] = offer[first + k] as number;
        if ((value[j] as number) > 0 && (cost[j] as number) > customerMax) customerMax = cost[j] as number;
      }
    } else {
      if (shape.segments) firstOf.set(segment, j);
      const responsiveness = Math.exp(rand() * 2 - 1.5);
      const margin = 5 + rand() * 30;
      for (let c = 0; c < channels; c++) {
        for (let o = 0; o < offers; o++) {
          const uplift = Math.min(
            0.9,
            0.02 * responsiveness * (reach[c] ?? 1) * (lift[o] ?? 1) * (0.5 + rand()),
          );
          const spend = (contactCost[c] ?? 0.1) + uplift * (discount[o] ?? 1);
          value[j] = uplift * margin - spend - 0.3 * rand();
          cost[j] = spend;
          channel[j] = c;
          offer[j] = o;
          if ((value[j] as number) > 0 && spend > customerMax) customerMax = spend;
          j++;
        }
      }
    }
    maxSpend += customerMax;
    optionStart[i + 1] = j;
  }
  const channelCapacity = new Float64Array(channels).fill(Number.POSITIVE_INFINITY);
  const offerCapacity = new Float64Array(offers).fill(Number.POSITIVE_INFINITY);
  channelCapacity[1] = Math.floor(customers * 0.15);
  if (channels > 3) channelCapacity[3] = Math.floor(customers * 0.04);
  offerCapacity[offers - 1] = Math.floor(customers * 0.05);
  offerCapacity[0] = Math.floor(customers * 0.2);
  return {
    customers,
    optionStart,
    value,
    cost,
    channel,
    offer,
    budget: maxSpend * shape.budgetShare,
    channelCapacity,
    offerCapacity,
  };
}

export interface Shares {
  /** Budget as a share of the unconstrained optimum's spend (everyone gets their best option). */
  budget: [number, number];
  /** A finite capacity as a share of the customers. */
  capacity: [number, number];
  /** Chance that the budget is unlimited; each capacity is unlimited half the time. */
  unlimitedBudget: number;
}

const between = (rand: () => number, [lo, hi]: [number, number]) => lo + rand() * (hi - lo);

/**
 * A campaign-shaped instance: 2-8 (channel, offer) options per customer, value = uplift x margin -
 * contact and discount cost (some negative); budget and capacities as `shares` says.
 */
export function campaignProblem(rand: () => number, customers: number, shares: Shares): AllocationProblem {
  const channels = 1 + Math.floor(rand() * 4);
  const offers = 1 + Math.floor(rand() * 5);
  const contactCost = Array.from({ length: channels }, () => 0.01 + rand() * 0.8);
  const reach = Array.from({ length: channels }, () => 0.6 + rand() * 1.8);
  const lift = Array.from({ length: offers }, () => 1 + rand() * 4);
  const discount = Array.from({ length: offers }, () => 0.5 + rand() * 10);
  const lists: OptionSpec[][] = [];
  let freeSpend = 0;
  for (let i = 0; i < customers; i++) {
    const responsiveness = Math.exp(rand() * 2 - 1.5);
    const margin = 5 + rand() * 30;
    const count = 2 + Math.floor(rand() * 7);
    const options: OptionSpec[] = [];
    let best = { value: 0, cost: 0 };
    for (let k = 0; k < count; k++) {
      const ch = Math.floor(rand() * channels);
      const of = Math.floor(rand() * offers);
      const uplift = Math.min(
        0.9,
        0.05 * responsiveness * (reach[ch] ?? 1) * (lift[of] ?? 1) * (0.5 + rand()),
      );
      const cost = (contactCost[ch] ?? 0) + uplift * (discount[of] ?? 0);
      const value = uplift * margin - cost;
      options.push({ value, cost, channel: ch, offer: of });
      if (value > best.value) best = { value, cost };
    }
    freeSpend += best.cost;
    lists.push(options);
  }
  const capacity = () =>
    rand() < 0.5 ? Number.POSITIVE_INFINITY : Math.ceil(customers * between(rand, shares.capacity));
  const budget =
    rand() < shares.unlimitedBudget ? Number.POSITIVE_INFINITY : freeSpend * between(rand, shares.budget);
  return makeProblem(
    lists,
    budget,
    Array.from({ length: channels }, capacity),
    Array.from({ length: offers }, capacity),
  );
}

/**
 * Instance t of a seeded family: even t from the campaign generator, odd t from the fixtures'
 * randomProblem (0-8 options, values -3..9, capacities sometimes 0 or binding).
 */
export function instance(seed: number, t: number, [least, most]: [number, number], shares: Shares): Instance {
  const rand = mulberry32(seed + t);
  const customers = least + Math.floor(rand() * (most - least + 1));
  if (t % 2 === 0)
    return { problem: campaignProblem(rand, customers, shares), shape: `campaign #${t} n=${customers}` };
  const channels = 1 + Math.floor(rand() * 4);
  const offers = 1 + Math.floor(rand() * 4);
  const problem = randomProblem(rand, customers, 8, channels, offers);
  return { problem, shape: `random #${t} n=${customers} ch=${channels} of=${offers}` };
}

/** Budgets of 10-80% (or none), capacities of 5-55%: binding hard, sometimes leaving a handful served. */
export const TIGHT: Shares = { budget: [0.1, 0.8], capacity: [0.05, 0.55], unlimitedBudget: 0.15 };
/** Budgets of 50-95%, capacities of 30-80%: binding, with hundreds of customers served. */
export const ROOMY: Shares = { budget: [0.5, 0.95], capacity: [0.3, 0.8], unlimitedBudget: 0 };
/** Budgets of 2-30% (or none), capacities of 1-10%: the optimum serves a handful to a few dozen. */
export const SCARCE: Shares = { budget: [0.02, 0.3], capacity: [0.01, 0.1], unlimitedBudget: 0.1 };
/** The families the exact-optimum test and `npm run eval:solver` hold the solver to. */
export const small = (t: number) => instance(7_000, t, [40, 300], TIGHT);
export const scarce = (t: number) => instance(27_000, t, [40, 300], SCARCE);
export const large = (t: number) => instance(8_000, t, [500, 800], ROOMY);

/** 100-500 customers x 24 options, budgets of 5-45% of the unconstrained spend. */
export function benchShaped(t: number, segments?: (rand: () => number) => number) {
  const rand = mulberry32(57_000 + t);
  const customers = 100 + Math.floor(rand() * 401);
  const copies = segments?.(rand);
  const problem = campaignShapedProblem(rand, {
    customers,
    channels: 4,
    offers: 6,
    budgetShare: 0.05 + rand() * 0.4,
    ...(copies ? { segments: copies } : {}),
  });
  return { problem, shape: `24 options #${t} n=${customers}${copies ? ` from ${copies} profiles` : ''}` };
}

/**
 * The scorecard's true-profit problem over a planted world (all four kinds of customer), with a
 * budget of 10-50% of what serving everyone profitably would cost and capacities half the time.
 */
export function plantedTruth(t: number) {
  const rand = mulberry32(97_000 + t);
  const customers = 100 + Math.floor(rand() * 301);
  const capacity = () => Math.ceil(customers * (0.05 + rand() * 0.3));
  const overrides = {
    channelCapacity: new Map(
      rand() < 0.5 ? [['email', capacity()] as const, ['sms', capacity()] as const] : [],
    ),
    offerCapacity: new Map(rand() < 0.5 ? [['winback', capacity()] as const] : []),
  };
  const world = randomWorld(customers, 97_000 + t, Number.POSITIVE_INFINITY, overrides);
  const free = trueAllocationProblem(world, Number.POSITIVE_INFINITY).problem;
  let spend = 0;
  for (let i = 0; i < free.customers; i++) {
    let best = -1;
    for (let j = free.optionStart[i] as number; j < (free.optionStart[i + 1] as number); j++) {
      if (best < 0 || (free.value[j] as number) > (free.value[best] as number)) best = j;
    }
    if (best >= 0) spend += free.cost[best] as number;
  }
  const problem = trueAllocationProblem(world, spend * (0.1 + rand() * 0.4)).problem;
  return { problem, shape: `planted world #${t} n=${customers}` };
}

/** 5-40 customers, tight: the optimum often serves under ten. */
export const tiny = (t: number) => instance(47_000, t, [5, 40], TIGHT);
/** 1,000-3,000 customers, tight. */
export const mid = (t: number) => instance(37_000, t, [1000, 3000], TIGHT);
/** Segment copies of 5-45 profiles. */
export const segmentCopies = (t: number) => benchShaped(100 + t, (rand) => 5 + Math.floor(rand() * 41));
