import { type Core, dualAt, findCore, type Resources, resourcesOf, usedOf } from './core-search';
import { measurePlan, type PlanUse } from './plan-use';
import type { Pricing } from './pricing';
import type { AllocationProblem } from './problem';
import { sortByKey } from './sort';

/**
 * An exact dynamic programme over the core, for when the depth-first search (core-search.ts)
 * cannot finish: typically a tight budget whose LP bound sits well above the optimum, so that the
 * core is wide and the search wanders through near-ties.
 *
 * The core holds every plan better than the incumbent. A plan is a path through the core
 * customers carrying (use of the main resource, uses of the tracked capacities, value); of two
 * partial plans with the same capacity uses, the one that uses more of the main resource and is
 * worth no more is dropped (Nemhauser-Ullmann's Pareto sets). A partial plan is also dropped when
 * a Lagrangian bound on what the rest can add, at a few scalings of the prices, cannot lift it
 * past the incumbent. Capacities are tracked only once a best plan overruns them (see
 * knapsackCore), so where the budget alone binds, the sets are one-dimensional.
 */

/** Scalings of the prices at which partial plans are bounded. */
const BOUND_SCALES = [0, 0.5, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 2, 3];

export interface KnapsackOutcome {
  /** The best plan over the core, when better than the incumbent (written into `plan`). */
  use: PlanUse;
  /** False when the partial plans outgrew the limits: the plan is then not proven optimal. */
  complete: boolean;
}

/**
 * The most customers of the core that can use resource r while the rest of the budget lasts:
 * the ones whose cheapest option using r is cheapest, for as long as those fit.
 */
function countWithinBudget(core: Core, resources: Resources, r: number, budgetRoom: number): number {
  const { budgetAt, count: width, use } = resources;
  const cheapest: number[] = [];
  for (let k = 0; k < core.customers.length; k++) {
    let least = Number.POSITIVE_INFINITY;
    for (let a = core.start[k] as number; a < (core.start[k + 1] as number); a++) {
      if ((use[a * width + r] as number) > 0) least = Math.min(least, use[a * width + budgetAt] as number);
    }
    if (least < Number.POSITIVE_INFINITY) cheapest.push(least);
  }
  cheapest.sort((x, y) => x - y);
  let spent = 0;
  let fitting = 0;
  for (const c of cheapest) {
    spent += c;
    if (spent > budgetRoom) break;
    fitting++;
  }
  return fitting;
}

/**
 * The resources that can run out within the core: those the core could take past their limit,
 * counting for a capacity only as many customers as the budget left could pay for.
 */
function bindingResources(core: Core, resources: Resources, used: Float64Array): number[] {
  const { budgetAt, count, limit, use } = resources;
  const found: number[] = [];
  for (let r = 0; r < count; r++) {
    let most = 0;
    for (let k = 0; k < core.customers.length; k++) {
      let high = 0;
      for (let a = core.start[k] as number; a < (core.start[k + 1] as number); a++) {
        high = Math.max(high, use[a * count + r] as number);
      }
      most += high;
    }
    if (r !== budgetAt && budgetAt >= 0) {
      const budgetRoom = (limit[budgetAt] as number) - (used[budgetAt] as number);
      most = Math.min(most, countWithinBudget(core, resources, r, budgetRoom));
    }
    if ((used[r] as number) + most > (limit[r] as number)) found.push(r);
  }
  return found;
}

/**
 * Per price scaling s and core position k (flat, s * (size + 1) + k): what the customers from k on
 * can add at most, each taking the option of best value net of the scaled prices times its use.
 */
function restBounds(problem: AllocationProblem, core: Core, pricedUse: (a: number) => number): Float64Array {
  const size = core.customers.length;
  const rest = new Float64Array(BOUND_SCALES.length * (size + 1));
  BOUND_SCALES.forEach((scale, s) => {
    const row = s * (size + 1);
    for (let k = size - 1; k >= 0; k--) {
      let best = Number.NEGATIVE_INFINITY;
      for (let a = core.start[k] as number; a < (core.start[k + 1] as number); a++) {
        const j = core.option[a] as number;
        best = Math.max(best, (j >= 0 ? (problem.value[j] as number) : 0) - scale * pricedUse(a));
      }
      rest[row + k] = (rest[row + k + 1] as number) + best;
    }
  });
  return rest;
}

/**
 * Partial plans after some customers, sorted by their counts then by their use of the main
 * resource; each remembers its parent in the layer before and the core option taken.
 */
interface Layer {
  /** Use of the main resource (the budget when it can bind). */
  used: Float64Array;
  /** Uses of the other binding resources (whole customers), packed in mixed radix. */
  counts: Float64Array;
  value: Float64Array;
  parent: Int32Array;
  option: Int32Array;
}

/** What the dynamic programme works over: the core, its resources, what the fixed customers use. */
interface CoreProblem {
  problem: AllocationProblem;
  core: Core;
  resources: Resources;
  /** Per resource, what the customers outside the core use. */
  used: Float64Array;
  /** What the customers outside the core are worth. */
  baseValue: number;
  /** The resource tracked exactly (the budget when it can bind), or -1. */
  main: number;
  /** Only plans worth more than this are of interest. */
  incumbent: number;
}

const TOO_MANY = 'too many partial plans';

/** Limits on the programme's work: partial plans per layer, and candidates over all tries. */
interface Work {
  maxStates: number;
  left: number;
}

/** Per core option: its value, its use of the main resource, and what it adds to the packed counts. */
interface OptionTable {
  value: Float64Array;
  main: Float64Array;
  key: Float64Array;
  /** Per option and counted resource (flat, a * counted + d): whether the option uses it. */
  uses: Uint8Array;
}

function optionTable(at: CoreProblem, counted: readonly number[], radix: readonly number[]): OptionTable {
  const { problem, core, resources, main } = at;
  const n = core.option.length;
  const width = resources.count;
  const table: OptionTable = {
    value: new Float64Array(n),
    main: new Float64Array(n),
    key: new Float64Array(n),
    uses: new Uint8Array(n * counted.length),
  };
  for (let a = 0; a < n; a++) {
    const j = core.option[a] as number;
    table.value[a] = j >= 0 ? (problem.value[j] as number) : 0;
    table.main[a] = main >= 0 ? (resources.use[a * width + main] as number) : 0;
    counted.forEach((r, d) => {
      if ((resources.use[a * width + r] as number) === 0) return;
      table.uses[a * counted.length + d] = 1;
      table.key[a] = (table.key[a] as number) + (radix[d] as number);
    });
  }
  return table;
}

/**
 * The best plan over the core with the main resource and the `counted` ones within their limits
 * (the other resources are ignored), as a core option per core position; undefined when no plan
 * beats the incumbent.
 */
function bestOverCore(
  at: CoreProblem,
  counted: readonly number[],
  work: Work,
): Int32Array | undefined | typeof TOO_MANY {
  const { problem, core, resources, used, main, incumbent } = at;
  const { count: width, limit, price } = resources;
  const room = counted.map((r) => Math.floor((limit[r] as number) - (used[r] as number)));
  if (room.some((left) => left < 0)) return undefined;
  const radix: number[] = [];
  let keys = 1;
  for (const left of room) {
    radix.push(keys);
    keys *= left + 1;
  }
  if (!(keys < 2 ** 50)) return TOO_MANY;
  const table = optionTable(at, counted, radix);
  const dims = counted.length;
  const tracked = main >= 0 ? [main, ...counted] : [...counted];
  const size = core.customers.length;
  const rest = restBounds(problem, core, (a) =>
    tracked.reduce((sum, r) => sum + (price[r] as number) * (resources.use[a * width + r] as number), 0),
  );
  const mainLimit = main >= 0 ? (limit[main] as number) : Number.POSITIVE_INFINITY;
  const mainPrice = main >= 0 ? (price[main] as number) : 0;
  const scales = BOUND_SCALES.length;
  const restAt = new Float64Array(scales);
  const countOf = (key: number, d: number) =>
    Math.floor(key / (radix[d] as number)) % ((room[d] as number) + 1);
  /** Prices times the counted resources' room left: the slack term of the bound. */
  const countSlack = (key: number) => {
    let slack = 0;
    for (let d = 0; d < dims; d++)
      slack += (price[counted[d] as number] as number) * ((room[d] as number) - countOf(key, d));
    return slack;
  };

  const layers: Layer[] = [];
  let current: Layer = {
    used: Float64Array.of(main >= 0 ? (used[main] as number) : 0),
    counts: Float64Array.of(0),
    value: Float64Array.of(at.baseValue),
    parent: Int32Array.of(-1),
    option: Int32Array.of(-1),
  };
  for (let k = 0; k < size; k++) {
    const first = core.start[k] as number;
    const options = (core.start[k + 1] as number) - first;
    const most = current.used.length * options;
    work.left -= most;
    if (work.left < 0) return TOO_MANY;
    for (let s = 0; s < scales; s++) restAt[s] = rest[s * (size + 1) + k + 1] as number;
    const candidates = new Int32Array(most);
    const spent = new Float64Array(most);
    const packed = new Float64Array(most);
    const worth = new Float64Array(most);
    let found = 0;
    for (let s = 0; s < current.used.length; s++) {
      const fromUse = current.used[s] as number;
      const fromKey = current.counts[s] as number;
      const fromValue = current.value[s] as number;
      for (let a = first; a < first + options; a++) {
        const u = fromUse + (table.main[a] as number);
        if (u > mainLimit) continue;
        let over = false;
        for (let d = 0; d < dims && !over; d++) {
          if (table.uses[a * dims + d] === 1 && countOf(fromKey, d) >= (room[d] as number)) over = true;
        }
        if (over) continue;
        const key = fromKey + (table.key[a] as number);
        const v = fromValue + (table.value[a] as number);
        // The Lagrangian bound on the best completion, at each scaling of the prices.
        const slack = (main >= 0 ? mainPrice * (mainLimit - u) : 0) + (dims > 0 ? countSlack(key) : 0);
        let promising = true;
        for (let x = 0; x < scales && promising; x++) {
          if (v + (BOUND_SCALES[x] as number) * slack + (restAt[x] as number) <= incumbent) promising = false;
        }
        if (!promising) continue;
        candidates[found] = s * options + (a - first);
        spent[found] = u;
        packed[found] = key;
        worth[found++] = v;
      }
    }
    // By counts, then by use: within each count, a sweep keeps each plan worth more than every
    // one that uses no more (plans tied on use may both stay; that costs room, not correctness).
    const order = Int32Array.from({ length: found }, (_, p) => p);
    sortByKey(order, spent.slice(0, found), found);
    if (dims > 0)
      sortByKey(
        order,
        Float64Array.from(order, (p) => packed[p] as number),
        found,
      );
    const kept = new Int32Array(found);
    let keptCount = 0;
    let best = Number.NEGATIVE_INFINITY;
    let group = -1;
    for (let q = 0; q < found; q++) {
      const p = order[q] as number;
      if (packed[p] !== group) {
        group = packed[p] as number;
        best = Number.NEGATIVE_INFINITY;
      }
      if ((worth[p] as number) <= best) continue;
      best = worth[p] as number;
      kept[keptCount++] = p;
    }
    if (keptCount > work.maxStates) return TOO_MANY;
    if (keptCount === 0) return undefined;
    layers.push(current);
    const next: Layer = {
      used: new Float64Array(keptCount),
      counts: new Float64Array(keptCount),
      value: new Float64Array(keptCount),
      parent: new Int32Array(keptCount),
      option: new Int32Array(keptCount),
    };
    for (let q = 0; q < keptCount; q++) {
      const p = kept[q] as number;
      next.used[q] = spent[p] as number;
      next.counts[q] = packed[p] as number;
      next.value[q] = worth[p] as number;
      next.parent[q] = Math.floor((candidates[p] as number) / options);
      next.option[q] = first + ((candidates[p] as number) % options);
    }
    current = next;
  }
  let state = 0;
  current.value.forEach((v, s) => {
    if (v > (current.value[state] as number)) state = s;
  });
  if (!((current.value[state] as number) > incumbent)) return undefined;
  const picks = new Int32Array(size);
  for (let k = size - 1; k >= 0; k--) {
    picks[k] = current.option[state] as number;
    state = current.parent[state] as number;
    current = layers[k] as Layer;
  }
  return picks;
}

/** Shares of the gap to the incumbent the narrower cores reach, before the full one. */
const REACH_SHARES = [1 / 16, 1 / 4, 1];

type Search = { use: PlanUse; finished: boolean };

/**
 * The best plan among those giving each customer an option within `reach` of their best (a core
 * as in core-search.ts), if it beats the incumbent `plan` (worth `use`), which it then replaces.
 * `finished` is false when the work ran out first.
 */
function searchWithin(
  pricing: Pricing,
  top: Float64Array,
  reach: number,
  plan: Int32Array,
  use: PlanUse,
  work: Work,
): Search {
  const { problem } = pricing;
  const fixed = new Int32Array(problem.customers);
  const core = findCore(pricing, top, reach, fixed);
  const trial = plan.slice();
  fixed.forEach((j, i) => {
    if (j !== -2) trial[i] = j;
  });
  for (const i of core.customers) trial[i] = -1;
  const base = measurePlan(problem, trial);
  const resources = resourcesOf(pricing, core);
  const used = usedOf(problem, base);
  const binding = bindingResources(core, resources, used);
  const at: CoreProblem = {
    problem,
    core,
    resources,
    used,
    baseValue: base.value,
    main: binding[0] ?? -1,
    incumbent: use.value,
  };
  const counted: number[] = [];
  for (;;) {
    const picks = bestOverCore(at, counted, work);
    if (picks === TOO_MANY) return { use, finished: false };
    if (!picks) return { use, finished: true };
    picks.forEach((a, k) => {
      trial[core.customers[k] as number] = core.option[a] as number;
    });
    const measured = measurePlan(problem, trial);
    const after = usedOf(problem, measured);
    const overrun = binding.filter(
      (r) => r !== at.main && !counted.includes(r) && (after[r] as number) > (resources.limit[r] as number),
    );
    if (overrun.length === 0) {
      if (!fits(problem, measured) || !(measured.value > use.value)) return { use, finished: true };
      plan.set(trial);
      return { use: measured, finished: true };
    }
    counted.push(...overrun);
  }
}

/**
 * Searches the core at the prices in `pricing` for the best plan, keeping at most `maxStates`
 * partial plans per customer and trying at most `maxCandidates` in all; `plan` (feasible, worth
 * `use`) is the incumbent and receives any better plan.
 *
 * Narrow cores first: every plan better than the incumbent lies in the core that reaches the
 * whole gap between the dual value and the incumbent, but that core can be wide, and a better
 * incumbent found in a narrower one shrinks the gap, hence the last core, and sharpens the
 * bounds. Capacities other than the main resource are added lazily: the programme first ignores
 * them (they rarely bind once the budget does), and only a capacity that the best plan found
 * overruns is tracked exactly in the next try. A relaxation's best plan that is feasible is the
 * best. Complete when the last core was searched to the end: the plan is then optimal.
 */
export function knapsackCore(
  pricing: Pricing,
  plan: Int32Array,
  use: PlanUse,
  limits: { maxStates: number; maxCandidates: number },
): KnapsackOutcome {
  const top = new Float64Array(pricing.problem.customers);
  const dual = dualAt(pricing, top);
  const work: Work = { maxStates: limits.maxStates, left: limits.maxCandidates };
  let best = use;
  for (const share of REACH_SHARES) {
    const gap = dual - best.value;
    if (!(gap > 0)) return { use: best, complete: true };
    const search = searchWithin(pricing, top, share * gap, plan, best, work);
    best = search.use;
    if (share === 1) return { use: best, complete: search.finished };
  }
  return { use: best, complete: false };
}

function fits(problem: AllocationProblem, use: PlanUse): boolean {
  if (use.spend > problem.budget) return false;
  if (use.channel.some((n, c) => n > (problem.channelCapacity[c] as number))) return false;
  return !use.offer.some((n, o) => n > (problem.offerCapacity[o] as number));
}
