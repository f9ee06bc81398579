import { measurePlan, type PlanUse, roundingOf } from './plan-use';
import { type Pricing, reducedValue } from './pricing';
import type { AllocationProblem } from './problem';
import { sortByKey } from './sort';

/**
 * A depth-first branch and bound over the customers a better plan could treat differently.
 *
 * At any prices, a feasible plan's value is the dual value L minus two non-negative terms: each
 * customer's penalty (their best reduced value less the reduced value of what the plan gives
 * them) and the prices times the slack the plan leaves. A plan worth more than L - G therefore
 * has penalties summing to less than G, and an option whose penalty alone is G or more is in no
 * such plan. At good prices most customers are left with one option, their best, and are fixed;
 * the search enumerates the rest (the core: marginal customers), pruning a branch when its
 * penalties plus the slack it must leave reach G, or when what it has taken cannot fit the budget
 * and capacities even if the rest take the least they can.
 *
 * What repair loses is a fraction of one customer's value while the dual bound is usually much
 * closer to the optimum than that, so a search for plans better than the repaired one would take
 * nearly every customer into the core. The search looks first for plans within a small G of L,
 * where the core is small, and doubles G while none exists: the first G under which a plan is
 * found holds every better plan, so that search, run to the end, finds the best. Work is capped
 * by the options tried; past the cap, the rest of the budget searches around the best plan found.
 */

export interface CoreSearchStats {
  /** Customers left with more than one option. */
  core: number;
  /** Options tried. */
  nodes: number;
  /** Whether the search ran to the end, which proves no better plan exists (to within rounding). */
  complete: boolean;
}

/** Options the search may give each core customer, flat, each customer's in penalty order. */
export interface Core {
  customers: Int32Array;
  start: Int32Array;
  option: Int32Array;
  penalty: Float64Array;
  /** Per core customer: the penalty of their second-best option. */
  second: Float64Array;
}

/** The prices' dual value, and each customer's best reduced value (0 for nothing) into `best`. */
export function dualAt(pricing: Pricing, best: Float64Array): number {
  const { problem, prices } = pricing;
  const { optionStart } = problem;
  let total = 0;
  for (let i = 0; i < problem.customers; i++) {
    let top = 0;
    const end = optionStart[i + 1] as number;
    for (let j = optionStart[i] as number; j < end; j++) {
      const r = reducedValue(pricing, j);
      if (r > top) top = r;
    }
    best[i] = top;
    total += top;
  }
  // Unlimited constraints are priced 0 and skipped, so Infinity never meets 0.
  if (prices.lambda > 0) total += prices.lambda * problem.budget;
  problem.channelCapacity.forEach((cap, c) => {
    const mu = prices.channel[c] as number;
    if (mu > 0) total += mu * Math.floor(cap);
  });
  problem.offerCapacity.forEach((cap, o) => {
    const nu = prices.offer[o] as number;
    if (nu > 0) total += nu * Math.floor(cap);
  });
  return total;
}

/**
 * Whether option a (or nothing, -1) is worth at least option b and uses no more of any limited
 * resource, ties going to the lower index: a plan can then swap b for a and lose nothing, so the
 * search need not try b.
 */
function dominates(problem: AllocationProblem, a: number, b: number): boolean {
  if (b < 0) return false;
  if (a < 0) return (problem.value[b] as number) <= 0;
  const { value, cost, channel, offer } = problem;
  const va = value[a] as number;
  const vb = value[b] as number;
  if (va < vb) return false;
  const ca = Number.isFinite(problem.budget) ? (cost[a] as number) : 0;
  const cb = Number.isFinite(problem.budget) ? (cost[b] as number) : 0;
  if (ca > cb) return false;
  const ch = channel[a] as number;
  if (ch !== channel[b] && Number.isFinite(problem.channelCapacity[ch] as number)) return false;
  const of = offer[a] as number;
  if (of !== offer[b] && Number.isFinite(problem.offerCapacity[of] as number)) return false;
  return va > vb || ca < cb || a < b || ch !== channel[b] || of !== offer[b];
}

/**
 * Each customer's options with a penalty below `reach` that no other such option dominates
 * (nothing counts as an option, with penalty equal to their best reduced value); customers left
 * with one are fixed to it in `fixed`.
 */
export function findCore(
  pricing: Pricing,
  best: Float64Array,
  reach: number,
  fixed: Int32Array,
  incumbent?: Int32Array,
): Core {
  const { problem } = pricing;
  const { optionStart, value } = problem;
  const customers: number[] = [];
  const start: number[] = [0];
  const option: number[] = [];
  const penalty: number[] = [];
  const options: number[] = [];
  const penalties: number[] = [];
  const second: number[] = [];
  for (let i = 0; i < problem.customers; i++) {
    const top = best[i] as number;
    options.length = 0;
    penalties.length = 0;
    if (top < reach) {
      options.push(-1);
      penalties.push(top);
    }
    const end = optionStart[i + 1] as number;
    for (let j = optionStart[i] as number; j < end; j++) {
      if ((value[j] as number) <= 0) continue;
      const p = top - reducedValue(pricing, j);
      if (p >= reach) continue;
      options.push(j);
      penalties.push(p);
    }
    let kept = 0;
    for (let x = 0; x < options.length; x++) {
      const j = options[x] as number;
      if (options.some((k) => k !== j && dominates(problem, k, j))) continue;
      options[kept] = j;
      penalties[kept++] = penalties[x] as number;
    }
    options.length = kept;
    penalties.length = kept;
    if (options.length <= 1) {
      fixed[i] = options[0] ?? -1;
      continue;
    }
    fixed[i] = -2;
    const order = Int32Array.from(options.keys());
    sortByKey(order, Float64Array.from(penalties), order.length);
    second.push(penalties[order[1] as number] as number);
    if (incumbent) {
      const held = order.findIndex((at) => options[at] === incumbent[i]);
      if (held > 0) {
        const at = order[held] as number;
        order.copyWithin(1, 0, held);
        order[0] = at;
      }
    }
    for (const at of order) {
      option.push(options[at] as number);
      penalty.push(penalties[at] as number);
    }
    customers.push(i);
    start.push(option.length);
  }
  return {
    customers: Int32Array.from(customers),
    start: Int32Array.from(start),
    option: Int32Array.from(option),
    penalty: Float64Array.from(penalty),
    second: Float64Array.from(second),
  };
}

/** Relative room the pruning gives the budget for rounding. */
const ROUNDING = 1e-12;
/** The first search's G as a share of the gap to the incumbent; each next one doubles it. */
const FIRST_REACH = 1 / 1024;
const REACH_GROWTH = 2;
/** Share of the node budget the widening searches may use before the search around the best plan. */
const WIDENING_SHARE = 0.5;

/** A number identical customers (same options in the same order) share. */
function fingerprint(problem: AllocationProblem, core: Core, p: number): number {
  let hash = 0;
  for (let a = core.start[p] as number; a < (core.start[p + 1] as number); a++) {
    const j = core.option[a] as number;
    const data =
      j < 0
        ? -1
        : (problem.value[j] as number) +
          (problem.cost[j] as number) * 7 +
          (problem.channel[j] as number) * 101 +
          (problem.offer[j] as number) * 1009;
    hash = (hash * 31 + data) % 1e9;
  }
  return hash;
}

/**
 * The core in search order: customers whose second choice costs the most penalty first. The first
 * branch gives everyone their best option; where that overruns the budget or a capacity, the
 * deviations needed are cheapest near the leaves, so the marginal customers, who can change their
 * choice for little, are decided last, and the decisive ones above them are rarely revisited.
 * Identical customers end up next to each other (see twinsOf).
 */
function searchOrder(problem: AllocationProblem, core: Core): Core {
  const count = core.customers.length;
  const order = Int32Array.from({ length: count }, (_, p) => p);
  sortByKey(
    order,
    Float64Array.from(order, (p) => fingerprint(problem, core, p)),
    count,
  );
  sortByKey(
    order,
    Float64Array.from(order, (p) => -(core.second[p] as number)),
    count,
  );
  const customers = new Int32Array(count);
  const start = new Int32Array(count + 1);
  const option = new Int32Array(core.option.length);
  const penalty = new Float64Array(core.penalty.length);
  const second = new Float64Array(count);
  let at = 0;
  order.forEach((from, to) => {
    customers[to] = core.customers[from] as number;
    second[to] = core.second[from] as number;
    for (let a = core.start[from] as number; a < (core.start[from + 1] as number); a++, at++) {
      option[at] = core.option[a] as number;
      penalty[at] = core.penalty[a] as number;
    }
    start[to + 1] = at;
  });
  return { customers, start, option, penalty, second };
}

/**
 * Per search position, whether the customer there is identical to the one before: the same
 * options (value, spend, channel, offer) at the same penalties in the same order. Identical
 * customers can swap choices without changing the plan's value or use, so the search tries their
 * choices only in non-decreasing list position, which cuts k identical customers' a^k
 * combinations to C(k + a - 1, k): segment-level scores make whole segments identical.
 */
function twinsOf(problem: AllocationProblem, core: Core): Uint8Array {
  const { value, cost, channel, offer } = problem;
  const same = (j: number, k: number) =>
    j === k ||
    (j >= 0 &&
      k >= 0 &&
      value[j] === value[k] &&
      cost[j] === cost[k] &&
      channel[j] === channel[k] &&
      offer[j] === offer[k]);
  return Uint8Array.from(core.customers, (_, p) => {
    if (p === 0) return 0;
    const first = core.start[p] as number;
    const before = core.start[p - 1] as number;
    const length = (core.start[p + 1] as number) - first;
    if (length !== first - before) return 0;
    for (let a = 0; a < length; a++) {
      if (!same(core.option[first + a] as number, core.option[before + a] as number)) return 0;
      if (core.penalty[first + a] !== core.penalty[before + a]) return 0;
    }
    return 1;
  });
}

/**
 * The limited resources (the budget if finite, then channels and offers with a finite capacity),
 * each with how much a plan may use, its price, and how much each core option uses of it.
 */
export interface Resources {
  count: number;
  /** Index of the budget among them, or -1. */
  budgetAt: number;
  /**
   * Capacities in whole customers. The budget gets a rounding's room: the rest's spends are
   * summed ahead of time in another order, and a plan that needed the room is measured exactly
   * before it counts.
   */
  limit: Float64Array;
  price: Float64Array;
  /** Per core option and resource, flat (option * count + resource). */
  use: Float64Array;
}

export function resourcesOf(pricing: Pricing, core: Core): Resources {
  const { problem, prices } = pricing;
  const limit: number[] = [];
  const price: number[] = [];
  const uses: ((j: number) => number)[] = [];
  const budgetAt = Number.isFinite(problem.budget) ? 0 : -1;
  if (budgetAt === 0) {
    limit.push(problem.budget * (1 + ROUNDING));
    price.push(prices.lambda);
    uses.push((j) => problem.cost[j] as number);
  }
  problem.channelCapacity.forEach((cap, c) => {
    if (!Number.isFinite(cap)) return;
    limit.push(Math.floor(cap));
    price.push(prices.channel[c] as number);
    uses.push((j) => (problem.channel[j] === c ? 1 : 0));
  });
  problem.offerCapacity.forEach((cap, o) => {
    if (!Number.isFinite(cap)) return;
    limit.push(Math.floor(cap));
    price.push(prices.offer[o] as number);
    uses.push((j) => (problem.offer[j] === o ? 1 : 0));
  });
  const count = limit.length;
  const use = new Float64Array(core.option.length * count);
  core.option.forEach((j, a) => {
    if (j < 0) return;
    uses.forEach((uses, r) => {
      use[a * count + r] = uses(j);
    });
  });
  return { count, budgetAt, limit: Float64Array.from(limit), price: Float64Array.from(price), use };
}

/** What `use` takes of each limited resource, in the order of resourcesOf. */
export function usedOf(problem: AllocationProblem, use: PlanUse): Float64Array {
  const used: number[] = [];
  if (Number.isFinite(problem.budget)) used.push(use.spend);
  problem.channelCapacity.forEach((cap, c) => {
    if (Number.isFinite(cap)) used.push(use.channel[c] as number);
  });
  problem.offerCapacity.forEach((cap, o) => {
    if (Number.isFinite(cap)) used.push(use.offer[o] as number);
  });
  return Float64Array.from(used);
}

/**
 * Per search position k and resource r (flat, k * count + r): the least and the most the
 * customers from k on can use of r.
 */
function remainingOf(core: Core, resources: Resources): { least: Float64Array; most: Float64Array } {
  const size = core.customers.length;
  const { count, use } = resources;
  const least = new Float64Array((size + 1) * count);
  const most = new Float64Array((size + 1) * count);
  for (let k = size - 1; k >= 0; k--) {
    for (let r = 0; r < count; r++) {
      let low = Number.POSITIVE_INFINITY;
      let high = 0;
      for (let a = core.start[k] as number; a < (core.start[k + 1] as number); a++) {
        const u = use[a * count + r] as number;
        low = Math.min(low, u);
        high = Math.max(high, u);
      }
      least[k * count + r] = (least[(k + 1) * count + r] as number) + low;
      most[k * count + r] = (most[(k + 1) * count + r] as number) + high;
    }
  }
  return { least, most };
}

/** The best plan found so far. */
interface Incumbent {
  use: PlanUse;
  plan: Int32Array | undefined;
}

/**
 * One depth-first search for plans worth more than both `dual - reach` and the incumbent, which
 * it replaces with each better plan found.
 */
class BranchAndBound {
  private reach: number;
  private readonly core: Core;
  private readonly size: number;
  private readonly resources: Resources;
  private readonly least: Float64Array;
  private readonly most: Float64Array;
  private readonly twins: Uint8Array;
  /** A full plan: fixed customers' choices, the core's written in at each leaf. */
  private readonly trial: Int32Array;
  /** Per search position: resources used (flat, as in remainingOf), spend rounding, penalty, value. */
  private readonly usedAt: Float64Array;
  private readonly spendErrorAt: Float64Array;
  private readonly penaltyAt: Float64Array;
  private readonly valueAt: Float64Array;
  /** Per search position, the core option chosen there. */
  private readonly pick: Int32Array;
  readonly stats: CoreSearchStats;

  /**
   * @param around when set, each customer's choice in this plan is tried first, so the search
   *   starts from it and explores its neighbourhood before anything else.
   */
  constructor(
    private readonly pricing: Pricing,
    top: Float64Array,
    private readonly dual: number,
    reach: number,
    start: Int32Array,
    private readonly incumbent: Incumbent,
    around: Int32Array | undefined,
  ) {
    const { problem } = pricing;
    this.reach = Math.min(reach, dual - incumbent.use.value);
    const fixed = new Int32Array(problem.customers);
    this.core = searchOrder(problem, findCore(pricing, top, this.reach, fixed, around));
    this.size = this.core.customers.length;
    this.stats = { core: this.size, nodes: 0, complete: true };
    this.resources = resourcesOf(pricing, this.core);
    const { least, most } = remainingOf(this.core, this.resources);
    this.least = least;
    this.most = most;
    this.twins = twinsOf(problem, this.core);
    this.trial = start.slice();
    fixed.forEach((j, i) => {
      if (j !== -2) this.trial[i] = j;
    });
    for (const i of this.core.customers) this.trial[i] = -1;
    const base = measurePlan(problem, this.trial);
    const count = this.resources.count;
    this.usedAt = new Float64Array((this.size + 1) * count);
    this.spendErrorAt = new Float64Array(this.size + 1);
    this.penaltyAt = new Float64Array(this.size + 1);
    this.valueAt = new Float64Array(this.size + 1);
    this.pick = new Int32Array(this.size + 1);
    this.usedAt.set(usedOf(problem, base));
    this.valueAt[0] = base.value;
  }

  /**
   * Whether a branch at search position k, with penalties `penalty` so far, can still fit and
   * beat the incumbent: the rest must fit in what is left taking the least they can, and the
   * slack left beyond the most they can take costs its price.
   */
  private promising(k: number, penalty: number): boolean {
    const { count, budgetAt, limit, price } = this.resources;
    let slack = 0;
    for (let r = 0; r < count; r++) {
      const at = k * count + r;
      const used = (this.usedAt[at] as number) + (r === budgetAt ? (this.spendErrorAt[k] as number) : 0);
      if (used + (this.least[at] as number) > (limit[r] as number)) return false;
      const left = (limit[r] as number) - used - (this.most[at] as number);
      if (left > 0) slack += (price[r] as number) * left;
    }
    return penalty + slack < this.reach;
  }

  /** At a leaf: keeps the plan if it measures feasible and better than the incumbent. */
  private record(): void {
    const { problem } = this.pricing;
    if (!((this.valueAt[this.size] as number) > this.incumbent.use.value)) return;
    for (let k = 0; k < this.size; k++) {
      this.trial[this.core.customers[k] as number] = this.core.option[this.pick[k] as number] as number;
    }
    const measured = measurePlan(problem, this.trial);
    if (measured.spend > problem.budget || !(measured.value > this.incumbent.use.value)) return;
    this.incumbent.use = measured;
    this.incumbent.plan = this.trial.slice();
    this.reach = Math.min(this.reach, this.dual - measured.value);
  }

  /**
   * Gives the customer at position k core option a and sets up position k + 1; false when the
   * branch cannot beat the incumbent.
   */
  private descend(k: number, a: number, penalty: number): boolean {
    const { count, budgetAt, use } = this.resources;
    const from = k * count;
    const to = from + count;
    for (let r = 0; r < count; r++) {
      this.usedAt[to + r] = (this.usedAt[from + r] as number) + (use[a * count + r] as number);
    }
    if (budgetAt >= 0) {
      // The spend's rounding error, carried as measurePlan does.
      const spend = this.usedAt[from + budgetAt] as number;
      const term = use[a * count + budgetAt] as number;
      const next = this.usedAt[to + budgetAt] as number;
      this.spendErrorAt[k + 1] = (this.spendErrorAt[k] as number) + roundingOf(spend, term, next);
    }
    if (!this.promising(k + 1, penalty)) return false;
    const j = this.core.option[a] as number;
    this.pick[k] = a;
    this.penaltyAt[k + 1] = penalty;
    this.valueAt[k + 1] =
      (this.valueAt[k] as number) + (j >= 0 ? (this.pricing.problem.value[j] as number) : 0);
    return true;
  }

  /** Searches, trying at most `maxNodes` options. */
  run(maxNodes: number): CoreSearchStats {
    const { core, size, pick, stats } = this;
    if (!this.promising(0, 0)) return stats;
    if (size === 0) {
      this.record();
      return stats;
    }
    let k = 0;
    pick[0] = (core.start[0] as number) - 1;
    while (k >= 0) {
      const first = core.start[k] as number;
      const last = core.start[k + 1] as number;
      let advanced = false;
      for (let a = (pick[k] as number) + 1; a < last && stats.nodes < maxNodes; a++) {
        const penalty = (this.penaltyAt[k] as number) + (core.penalty[a] as number);
        if (penalty >= this.reach) {
          // Options after the first are in penalty order; the first may be the plan searched around.
          if (a === first) continue;
          break;
        }
        stats.nodes++;
        if (this.descend(k, a, penalty)) {
          advanced = true;
          break;
        }
      }
      if (stats.nodes >= maxNodes) {
        stats.complete = false;
        break;
      }
      if (!advanced) {
        k--;
      } else if (k + 1 === size) {
        this.record();
      } else {
        k++;
        // An identical customer takes an option no earlier in the list than the one before did.
        const twin = this.twins[k] ? (pick[k - 1] as number) - (core.start[k - 1] as number) : 0;
        pick[k] = (core.start[k] as number) - 1 + twin;
      }
    }
    return stats;
  }
}

/**
 * Searches for plans better than `plan` (feasible, whose use is `use`) at the prices in
 * `pricing`, trying at most `maxNodes` options, and writes the best found into `plan`.
 *
 * @returns the use of the plan now in `plan`, and what the search did.
 */
export function searchCore(
  pricing: Pricing,
  plan: Int32Array,
  use: PlanUse,
  maxNodes: number,
): { use: PlanUse; stats: CoreSearchStats } {
  const top = new Float64Array(pricing.problem.customers);
  const dual = dualAt(pricing, top);
  const incumbent: Incumbent = { use, plan: undefined };
  const stats: CoreSearchStats = { core: 0, nodes: 0, complete: true };
  const gap = dual - use.value;
  if (!(gap > 0)) return { use, stats };
  const widening = maxNodes * WIDENING_SHARE;
  for (let reach = gap * FIRST_REACH; ; reach *= REACH_GROWTH) {
    const search = new BranchAndBound(pricing, top, dual, Math.min(reach, gap), plan, incumbent, undefined);
    const done = search.run(widening - stats.nodes);
    stats.nodes += done.nodes;
    stats.core = done.core;
    if (!done.complete) {
      stats.complete = false;
      break;
    }
    if (incumbent.plan || reach >= gap) break;
  }
  if (!stats.complete) {
    const around = incumbent.plan ?? plan;
    const search = new BranchAndBound(pricing, top, dual, gap, plan, incumbent, around);
    const done = search.run(maxNodes - stats.nodes);
    stats.nodes += done.nodes;
    stats.complete = done.complete;
  }
  if (incumbent.plan) plan.set(incumbent.plan);
  return { use: incumbent.use, stats };
}
