import { relativeGap } from '../allocation/certificate';
import { estimatePrices, minimiseDual, sampleProblem } from '../allocation/dual-search';
import { type AllocationProblem, solveAllocation } from '../allocation/index';
import { fits, measurePlan, type PlanUse, take } from '../allocation/plan-use';
import { copyPrices, type Prices } from '../allocation/pricing';
import { sortByKey } from '../allocation/sort';

/**
 * The budget curve: the best expected incremental profit at every budget from 0 to saturation,
 * the spend beyond which more money buys nothing (every customer already has their best option
 * the capacities allow). Finance sets the budget from its shape: the return on the next euro and
 * the knee where that return starts to fall away.
 */

export interface BudgetCurvePoint {
  budget: number;
  spend: number;
  profit: number;
  customers: number;
  /** (profit - previous profit) / (budget - previous budget); 0 for the first point. */
  marginalProfitPerEuro: number;
  /** (upper bound - profit) / upper bound: how far this point can be from the best plan at its budget. */
  gap: number;
}

export interface BudgetCurve {
  /** Ascending budget; the first at 0, the last at saturation. */
  points: BudgetCurvePoint[];
  saturationBudget: number;
  maxProfit: number;
  knee: BudgetCurvePoint;
}

const DEFAULT_POINTS = 21;
/**
 * Up to this many options every point is its own solveAllocation run (under half a second each).
 * A run costs a few passes over the options plus a repair, about 4 s at 24 million options, so
 * twenty would take over a minute: larger problems price each point on a sample (PricedLevels).
 */
const SOLVE_EACH_POINT_UP_TO = 1_000_000;
/** Prices are searched on one customer in this many, as the solver's own warm start does... */
const SAMPLE_RATIO = 8;
/** ...and only where that leaves enough customers for the prices to be sharp. */
const MIN_SAMPLE = 10_000;
const SAMPLE_ROUNDS = 30;
const SAMPLE_PRECISION = 1e-6;

/** One point's plan, and an upper bound on the best plan at its budget. */
type Level = Omit<BudgetCurvePoint, 'marginalProfitPerEuro' | 'gap'> & { bound: number };

/** Every served customer uses exactly one channel. */
const served = (channelUse: Float64Array) => channelUse.reduce((total, used) => total + used, 0);

function solvedLevel(problem: AllocationProblem, budget: number, tolerance: number | undefined): Level {
  // Without the exact search over the marginal customers, which can cost seconds a point on hard
  // small instances: the curve's twenty-one points would pay it twenty-one times.
  const result = solveAllocation(
    { ...problem, budget },
    { exactSearch: false, ...(tolerance === undefined ? {} : { tolerance }) },
  );
  const { spend, value: profit, channelUse } = result;
  return { budget, spend, profit, customers: served(channelUse), bound: result.certificate.dualBound };
}

/** Customers passing `keep`, by `key` ascending, ties in customer order. */
function ordered(n: number, keep: (i: number) => boolean, key: (i: number) => number): Int32Array {
  const picked = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) if (keep(i)) picked[count++] = i;
  const items = picked.slice(0, count);
  const keys = new Float64Array(count);
  for (let p = 0; p < count; p++) keys[p] = key(items[p] as number);
  sortByKey(items, keys, count);
  return items;
}

/**
 * The plans of a large problem at one budget after another, each from prices searched on a sample
 * of the customers (dual prices are per-customer quantities; the solver warm-starts the same way),
 * warm-started from the previous budget's. Each customer takes their best option at the prices;
 * as the sample's prices miss the full problem's by sampling noise, over-full channels and offers
 * then shed the customers who lose least by moving, and customers step down (or up) their
 * (cost, value - capacity price) hulls in the order the budget price would move them until the
 * budget is spent. A few passes per budget where solveAllocation takes dozens; the prices also
 * give each plan's upper bound, the Lagrangian dual at them.
 */
class PricedLevels {
  private readonly sample: AllocationProblem;
  private prices: Prices | undefined;
  private readonly choice: Int32Array;
  private readonly reduced: Float64Array;
  /** Per customer, the neighbouring hull vertex each way, and the budget price it takes over at. */
  private readonly down: Int32Array;
  private readonly downAt: Float64Array;
  private readonly up: Int32Array;
  private readonly upAt: Float64Array;
  private net = new Float64Array(64);

  constructor(private readonly problem: AllocationProblem) {
    const n = problem.customers;
    this.sample = sampleProblem(problem, Math.ceil(n / SAMPLE_RATIO));
    [this.choice, this.down, this.up] = [new Int32Array(n), new Int32Array(n), new Int32Array(n)];
    [this.reduced, this.downAt, this.upAt] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  }

  at(budget: number): Level {
    const { problem, sample } = this;
    const scaled = { ...sample, budget: (budget * sample.customers) / problem.customers };
    const start = this.prices ?? estimatePrices(scaled);
    const prices = copyPrices(minimiseDual(scaled, start, SAMPLE_ROUNDS, SAMPLE_PRECISION).dual.prices);
    this.prices = prices;
    const offers = problem.offerCapacity.length;
    const pairPrice = Float64Array.from(
      { length: problem.channelCapacity.length * offers },
      (_, p) => (prices.channel[Math.floor(p / offers)] as number) + (prices.offer[p % offers] as number),
    );
    // At budget 0 only free options can be taken: an unbounded budget price says so exactly.
    const lambda = budget > 0 ? prices.lambda : Number.MAX_VALUE;
    let bound = this.choose(pairPrice, lambda) + (budget > 0 ? lambda * budget : 0);
    prices.channel.forEach((mu, c) => {
      if (mu > 0) bound += mu * Math.floor(problem.channelCapacity[c] as number);
    });
    prices.offer.forEach((nu, o) => {
      if (nu > 0) bound += nu * Math.floor(problem.offerCapacity[o] as number);
    });
    const { value, cost, channel, offer } = problem;
    const reduced = (j: number) =>
      (value[j] as number) -
      (pairPrice[(channel[j] as number) * offers + (offer[j] as number)] as number) -
      lambda * (cost[j] as number);
    const within = { ...problem, budget };
    const use = measurePlan(within, this.choice);
    this.shed(use, reduced);
    this.spendTo(within, use);
    return { budget, spend: use.spend, profit: use.value, customers: served(use.channel), bound };
  }

  /** Each customer's best option and hull neighbours; returns the sum of best reduced values. */
  private choose(pairPrice: Float64Array, lambda: number): number {
    const { optionStart, value, cost, channel, offer } = this.problem;
    const offers = this.problem.offerCapacity.length;
    let total = 0;
    for (let i = 0; i < this.problem.customers; i++) {
      const start = optionStart[i] as number;
      const end = optionStart[i + 1] as number;
      if (end - start > this.net.length) this.net = new Float64Array(end - start);
      const net = this.net;
      let best = -1;
      let bestReduced = 0;
      for (let j = start; j < end; j++) {
        const a =
          (value[j] as number) -
          (pairPrice[(channel[j] as number) * offers + (offer[j] as number)] as number);
        net[j - start] = a;
        if (a - lambda * (cost[j] as number) > bestReduced) {
          best = j;
          bestReduced = a - lambda * (cost[j] as number);
        }
      }
      total += bestReduced;
      const c0 = best < 0 ? 0 : (cost[best] as number);
      const a0 = best < 0 ? 0 : (net[best - start] as number);
      // No contact takes over from the best option at the budget price a0 / c0.
      let [down, downAt] = [-1, c0 > 0 ? a0 / c0 : Number.POSITIVE_INFINITY];
      let [up, upAt] = [-1, Number.NEGATIVE_INFINITY];
      for (let j = start; j < end; j++) {
        const c = cost[j] as number;
        const a = net[j - start] as number;
        if (c < c0 && (a0 - a) / (c0 - c) < downAt) [down, downAt] = [j, (a0 - a) / (c0 - c)];
        else if (c > c0 && a > a0 && (a - a0) / (c - c0) > upAt) [up, upAt] = [j, (a - a0) / (c - c0)];
      }
      this.choice[i] = best;
      this.reduced[i] = bestReduced;
      [this.down[i], this.downAt[i], this.up[i], this.upAt[i]] = [down, downAt, up, upAt];
    }
    return total;
  }

  /**
   * Moves customers out of over-full channels and offers, each to their best option that still
   * has room (or to no contact), those giving up the least reduced value first. Their hull
   * neighbours were measured from the option they left, so they take no further steps.
   */
  private shed(use: PlanUse, reduced: (j: number) => number): void {
    const { problem, choice } = this;
    const { optionStart, channel, offer, channelCapacity, offerCapacity } = problem;
    const over = (j: number) =>
      (use.channel[channel[j] as number] as number) > (channelCapacity[channel[j] as number] as number) ||
      (use.offer[offer[j] as number] as number) > (offerCapacity[offer[j] as number] as number);
    const full = (used: Float64Array, capacity: Float64Array) =>
      used.some((u, k) => u > (capacity[k] as number));
    if (!full(use.channel, channelCapacity) && !full(use.offer, offerCapacity)) return;
    const uncapped = { ...problem, budget: Number.POSITIVE_INFINITY };
    const alternative = new Int32Array(problem.customers);
    const loss = (i: number) => {
      let best = -1;
      for (let j = optionStart[i] as number; j < (optionStart[i + 1] as number); j++) {
        if (over(j) || !fits(uncapped, use, j, choice[i] as number)) continue;
        if (reduced(j) > (best < 0 ? 0 : reduced(best))) best = j;
      }
      alternative[i] = best;
      return (this.reduced[i] as number) - (best < 0 ? 0 : reduced(best));
    };
    for (const i of ordered(
      problem.customers,
      (i) => (choice[i] as number) >= 0 && over(choice[i] as number),
      loss,
    )) {
      const j = choice[i] as number;
      if (!over(j)) continue;
      take(problem, use, j, -1);
      const k = alternative[i] as number;
      choice[i] = k >= 0 && fits(uncapped, use, k, -1) ? k : -1;
      if (k >= 0 && choice[i] === k) take(problem, use, k, 1);
      [this.down[i], this.downAt[i], this.up[i]] = [-1, Number.POSITIVE_INFINITY, -1];
    }
  }

  /**
   * Over budget, customers step down their hulls in the order a rising budget price would move
   * them, then (if that is not enough) drop out in the same order; under budget, they step up in
   * the order a falling price would, each where it fits.
   */
  private spendTo(within: AllocationProblem, use: PlanUse): void {
    const { choice, down, up } = this;
    const uncapped = { ...within, budget: Number.POSITIVE_INFINITY };
    const n = within.customers;
    if (use.spend <= within.budget) {
      for (const i of ordered(
        n,
        (i) => (up[i] as number) >= 0,
        (i) => -(this.upAt[i] as number),
      )) {
        const [j, k] = [choice[i] as number, up[i] as number];
        if (!fits(within, use, k, j)) continue;
        if (j >= 0) take(within, use, j, -1);
        take(within, use, k, 1);
        choice[i] = k;
      }
      return;
    }
    const order = ordered(
      n,
      (i) => (within.cost[choice[i] as number] ?? 0) > 0,
      (i) => this.downAt[i] as number,
    );
    for (const stepDown of [true, false]) {
      for (const i of order) {
        if (use.spend <= within.budget) return;
        const j = choice[i] as number;
        if (j < 0) continue;
        take(within, use, j, -1);
        const k = stepDown ? (down[i] as number) : -1;
        choice[i] = k >= 0 && fits(uncapped, use, k, -1) ? k : -1;
        if (k >= 0 && choice[i] === k) take(within, use, k, 1);
      }
    }
  }
}

/** The point farthest above the chord from (0, 0) to saturation, both axes scaled to [0, 1]. */
function kneeOf(
  points: readonly BudgetCurvePoint[],
  saturation: number,
  maxProfit: number,
): BudgetCurvePoint {
  const inside = points.slice(1, -1);
  if (inside.length === 0 || saturation <= 0 || maxProfit <= 0) return points[0] as BudgetCurvePoint;
  const lift = (p: BudgetCurvePoint) => p.profit / maxProfit - p.budget / saturation;
  return inside.reduce((knee, point) => (lift(point) > lift(knee) ? point : knee));
}

/**
 * The budget curve of a problem, whose own budget is ignored: `points` budgets evenly spaced from 0
 * to the saturation spend, each with the best plan found at that budget.
 *
 * Up to a million options every point is solved with solveAllocation (gap within `tolerance`, as
 * far as the Lagrangian plan, repaired and exchanged, gets there).
 * Larger problems solve only saturation and price the other points on a sample (PricedLevels): on
 * 1 million customers x 24 options that takes under 30 s where solving each point would take about
 * 90 s, and leaves points within about 0.1% of the solver's plans (0.5% on harder instances); each
 * point's gap bounds its distance from the optimum either way.
 */
export function budgetCurve(
  problem: AllocationProblem,
  options: { points?: number; tolerance?: number } = {},
): BudgetCurve {
  const count = Math.max(2, Math.floor(options.points ?? DEFAULT_POINTS));
  const saturated = solvedLevel(problem, Number.POSITIVE_INFINITY, options.tolerance);
  const saturation = saturated.spend;
  const sampled =
    problem.value.length > SOLVE_EACH_POINT_UP_TO && problem.customers >= SAMPLE_RATIO * MIN_SAMPLE;
  const priced = sampled && saturation > 0 ? new PricedLevels(problem) : undefined;
  const levels: Level[] = [];
  // Descending, so each budget's price search starts from the nearest one's prices.
  for (let k = count - 2; k >= 0 && saturation > 0; k--) {
    const budget = (saturation * k) / (count - 1);
    levels.unshift(priced ? priced.at(budget) : solvedLevel(problem, budget, options.tolerance));
  }
  levels.push({ ...saturated, budget: saturation });
  // A larger budget can always keep a smaller budget's plan, so a point whose plan came out worse
  // than its predecessor's (within the solver's tolerance, or the sampled prices' shortfall) takes
  // that plan instead. And the best plan cannot lose value as the budget grows, so each point's
  // bound also holds for every point before it.
  for (let k = 1; k < levels.length; k++) {
    const [previous, level] = [levels[k - 1] as Level, levels[k] as Level];
    if (level.profit < previous.profit) levels[k] = { ...previous, budget: level.budget, bound: level.bound };
  }
  for (let k = levels.length - 2; k >= 0; k--) {
    const level = levels[k] as Level;
    level.bound = Math.min(level.bound, (levels[k + 1] as Level).bound);
  }
  const points = levels.map(({ bound, ...level }, k): BudgetCurvePoint => {
    const previous = levels[k - 1];
    const rise = previous ? (level.profit - previous.profit) / (level.budget - previous.budget) : 0;
    return { ...level, marginalProfitPerEuro: rise, gap: relativeGap(bound, level.profit) };
  });
  const maxProfit = (points.at(-1) as BudgetCurvePoint).profit;
  return { points, saturationBudget: saturation, maxProfit, knee: kneeOf(points, saturation, maxProfit) };
}

/**
 * The return on the next euro at `budget`: the slope of the curve's segment that starts at or
 * contains it, 0 from saturation on, since more money then buys nothing.
 */
export function marginalProfitAt(curve: BudgetCurve, budget: number): number {
  if (budget >= curve.saturationBudget) return 0;
  return curve.points.find((point) => point.budget > budget)?.marginalProfitPerEuro ?? 0;
}
