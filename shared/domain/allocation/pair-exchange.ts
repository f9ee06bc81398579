import { measurePlan, type PlanUse } from './plan-use';
import { type Pricing, reducedValue } from './pricing';
import type { AllocationProblem } from './problem';
import { sortByKey } from './sort';

/**
 * Pairwise exchanges: one customer moves to a more valuable option (or is served) while another
 * moves to a less valuable one (or is dropped) to make room. Repair and fill leave a plan in which
 * no single move gains, yet it can sit a fraction of a percent below the optimum with the budget
 * spent and the capacities full: what it takes is one gaining move paid for by one losing move,
 * which neither step tries. Each pass finds, for every gaining move, the most valuable partner
 * that makes the pair fit, then applies the best pairs that still fit, each customer once a pass.
 *
 * Finding the partner is a lookup, not a scan: a move changes the customer counts of at most two
 * channels and two offers, so moves fall into a few groups by which limited channels and offers
 * they leave and join; within a group, sorted by spend with a running best gain, the best partner
 * that fits the budget is a binary search away.
 *
 * Only moves that can be part of a gaining pair are listed. At the dual prices a plan's value is
 * its reduced values plus the prices times its use, so a pair gains only if its reduced values
 * fall by less than the prices times the slack, and one move can raise reduced value by at most
 * a customer's penalty (their best reduced value less their current one): a move whose reduced
 * value falls by more than the slack's worth plus the largest penalty is in no gaining pair.
 */

/** Moves of customers from their current option to another or none, flat. */
interface Moves {
  count: number;
  customer: Int32Array;
  to: Int32Array;
  gain: Float64Array;
  spend: Float64Array;
  group: Int32Array;
}

/**
 * Moves by group: the limited channel and offer a group's moves leave and join (-1 for none),
 * and per group its moves sorted by spend with, at each position, the best gain so far and the
 * best from another customer than that one.
 */
interface Groups {
  count: number;
  leaveChannel: Int32Array;
  leaveOffer: Int32Array;
  joinChannel: Int32Array;
  joinOffer: Int32Array;
  start: Int32Array;
  spend: Float64Array;
  best: Int32Array;
  runnerUp: Int32Array;
}

/** A partner standing for no second move. */
const ALONE = -2;

function limitedChannel(problem: AllocationProblem, j: number): number {
  if (j < 0) return -1;
  const c = problem.channel[j] as number;
  return Number.isFinite(problem.channelCapacity[c] as number) ? c : -1;
}

function limitedOffer(problem: AllocationProblem, j: number): number {
  if (j < 0) return -1;
  const o = problem.offer[j] as number;
  return Number.isFinite(problem.offerCapacity[o] as number) ? o : -1;
}

/** The moves that can be part of a gaining pair (see above), their groups numbered in `groupKeys`. */
function listMoves(pricing: Pricing, plan: Int32Array, use: PlanUse, groupKeys: Map<number, number>): Moves {
  const { problem, prices } = pricing;
  const { optionStart, value, cost } = problem;
  const n = problem.customers;
  // The slack's worth at the prices, and each customer's best and current reduced value.
  let slackWorth = 0;
  if (prices.lambda > 0) slackWorth += prices.lambda * Math.max(0, problem.budget - use.spend);
  problem.channelCapacity.forEach((cap, c) => {
    const mu = prices.channel[c] as number;
    if (mu > 0) slackWorth += mu * Math.max(0, Math.floor(cap) - (use.channel[c] as number));
  });
  problem.offerCapacity.forEach((cap, o) => {
    const nu = prices.offer[o] as number;
    if (nu > 0) slackWorth += nu * Math.max(0, Math.floor(cap) - (use.offer[o] as number));
  });
  const current = new Float64Array(n);
  let largestPenalty = 0;
  for (let i = 0; i < n; i++) {
    let top = 0;
    const end = optionStart[i + 1] as number;
    for (let j = optionStart[i] as number; j < end; j++) top = Math.max(top, reducedValue(pricing, j));
    const j = plan[i] as number;
    current[i] = j >= 0 ? reducedValue(pricing, j) : 0;
    largestPenalty = Math.max(largestPenalty, top - (current[i] as number));
  }
  // A hair of room so rounding never drops a move the bound keeps.
  const reach = (slackWorth + largestPenalty) * (1 + 1e-9) + 1e-12;

  const capacity = (optionStart[n] as number) + n;
  const moves: Moves = {
    count: 0,
    customer: new Int32Array(capacity),
    to: new Int32Array(capacity),
    gain: new Float64Array(capacity),
    spend: new Float64Array(capacity),
    group: new Int32Array(capacity),
  };
  const channels = problem.channelCapacity.length + 1;
  const offers = problem.offerCapacity.length + 1;
  const push = (i: number, from: number, to: number) => {
    let leaveChannel = limitedChannel(problem, from);
    let joinChannel = limitedChannel(problem, to);
    if (leaveChannel === joinChannel) leaveChannel = joinChannel = -1;
    let leaveOffer = limitedOffer(problem, from);
    let joinOffer = limitedOffer(problem, to);
    if (leaveOffer === joinOffer) leaveOffer = joinOffer = -1;
    const key =
      (((leaveChannel + 1) * channels + joinChannel + 1) * offers + leaveOffer + 1) * offers + joinOffer + 1;
    let group = groupKeys.get(key);
    if (group === undefined) {
      group = groupKeys.size;
      groupKeys.set(key, group);
    }
    const m = moves.count++;
    moves.customer[m] = i;
    moves.to[m] = to;
    moves.gain[m] = (to >= 0 ? (value[to] as number) : 0) - (from >= 0 ? (value[from] as number) : 0);
    moves.spend[m] = (to >= 0 ? (cost[to] as number) : 0) - (from >= 0 ? (cost[from] as number) : 0);
    moves.group[m] = group;
  };
  for (let i = 0; i < n; i++) {
    const from = plan[i] as number;
    const floor = (current[i] as number) - reach;
    if (from >= 0 && floor < 0) push(i, from, -1);
    const end = optionStart[i + 1] as number;
    for (let j = optionStart[i] as number; j < end; j++) {
      if (j !== from && (value[j] as number) > 0 && reducedValue(pricing, j) > floor) push(i, from, j);
    }
  }
  return moves;
}

function buildGroups(problem: AllocationProblem, moves: Moves, groupKeys: Map<number, number>): Groups {
  const count = groupKeys.size;
  const channels = problem.channelCapacity.length + 1;
  const offers = problem.offerCapacity.length + 1;
  const groups: Groups = {
    count,
    leaveChannel: new Int32Array(count),
    leaveOffer: new Int32Array(count),
    joinChannel: new Int32Array(count),
    joinOffer: new Int32Array(count),
    start: new Int32Array(count + 1),
    spend: new Float64Array(moves.count),
    best: new Int32Array(moves.count),
    runnerUp: new Int32Array(moves.count),
  };
  for (const [key, g] of groupKeys) {
    groups.joinOffer[g] = (key % offers) - 1;
    groups.leaveOffer[g] = (Math.floor(key / offers) % offers) - 1;
    groups.joinChannel[g] = (Math.floor(key / (offers * offers)) % channels) - 1;
    groups.leaveChannel[g] = Math.floor(key / (offers * offers * channels)) - 1;
  }
  const { start } = groups;
  for (let m = 0; m < moves.count; m++) {
    const g = (moves.group[m] as number) + 1;
    start[g] = (start[g] as number) + 1;
  }
  for (let g = 0; g < count; g++) start[g + 1] = (start[g + 1] as number) + (start[g] as number);
  const order = new Int32Array(moves.count);
  const next = start.slice(0, count);
  for (let m = 0; m < moves.count; m++) {
    const g = moves.group[m] as number;
    order[next[g] as number] = m;
    next[g] = (next[g] as number) + 1;
  }
  for (let g = 0; g < count; g++) {
    const from = start[g] as number;
    const to = start[g + 1] as number;
    const members = order.subarray(from, to);
    const spend = groups.spend.subarray(from, to);
    for (let p = 0; p < members.length; p++) spend[p] = moves.spend[members[p] as number] as number;
    sortByKey(members, spend, members.length);
    let first = -1;
    let second = -1;
    for (let p = from; p < to; p++) {
      const m = order[p] as number;
      const gain = moves.gain[m] as number;
      if (first < 0 || gain > (moves.gain[first] as number)) {
        if (first >= 0 && moves.customer[first] !== moves.customer[m]) second = first;
        first = m;
      } else if (
        moves.customer[m] !== moves.customer[first] &&
        (second < 0 || gain > (moves.gain[second] as number))
      ) {
        second = m;
      }
      groups.best[p] = first;
      groups.runnerUp[p] = second;
    }
  }
  return groups;
}

/** The net change in customers of channel (or offer) `index` when moves join j1, j2 and leave l1, l2. */
function net(index: number, j1: number, j2: number, l1: number, l2: number): number {
  return (j1 === index ? 1 : 0) + (j2 === index ? 1 : 0) - (l1 === index ? 1 : 0) - (l2 === index ? 1 : 0);
}

/** Whether moves of groups a and b (b may be -1 for none) together fit the limited counts. */
function countsFit(problem: AllocationProblem, use: PlanUse, groups: Groups, a: number, b: number): boolean {
  const { channelCapacity, offerCapacity } = problem;
  const la = groups.leaveChannel[a] as number;
  const ja = groups.joinChannel[a] as number;
  const lb = b < 0 ? -1 : (groups.leaveChannel[b] as number);
  const jb = b < 0 ? -1 : (groups.joinChannel[b] as number);
  // Only a channel or offer a move joins can overflow.
  for (const c of [ja, jb]) {
    if (c >= 0 && (use.channel[c] as number) + net(c, ja, jb, la, lb) > (channelCapacity[c] as number)) {
      return false;
    }
  }
  const oa = groups.leaveOffer[a] as number;
  const pa = groups.joinOffer[a] as number;
  const ob = b < 0 ? -1 : (groups.leaveOffer[b] as number);
  const pb = b < 0 ? -1 : (groups.joinOffer[b] as number);
  for (const o of [pa, pb]) {
    if (o >= 0 && (use.offer[o] as number) + net(o, pa, pb, oa, ob) > (offerCapacity[o] as number)) {
      return false;
    }
  }
  return true;
}

/** The partner of move a that gains most and fits with it (ALONE for none), or -1. */
function bestPartner(
  problem: AllocationProblem,
  use: PlanUse,
  moves: Moves,
  groups: Groups,
  a: number,
): number {
  const room = problem.budget - use.spend - (moves.spend[a] as number);
  const own = moves.group[a] as number;
  const customer = moves.customer[a] as number;
  let partner = room >= 0 && countsFit(problem, use, groups, own, -1) ? ALONE : -1;
  let partnerGain = partner === ALONE ? 0 : Number.NEGATIVE_INFINITY;
  for (let g = 0; g < groups.count; g++) {
    // The last move of the group within the room: a binary search on the sorted spends.
    let low = (groups.start[g] as number) - 1;
    let high = (groups.start[g + 1] as number) - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((groups.spend[mid] as number) <= room) low = mid;
      else high = mid - 1;
    }
    if (low < (groups.start[g] as number)) continue;
    let b = groups.best[low] as number;
    if (moves.customer[b] === customer) b = groups.runnerUp[low] as number;
    if (b < 0 || (moves.gain[b] as number) <= partnerGain) continue;
    if (!countsFit(problem, use, groups, own, g)) continue;
    partner = b;
    partnerGain = moves.gain[b] as number;
  }
  return partner;
}

/** Applies move m to the plan and its use (the use's sums running, not measured). */
function apply(problem: AllocationProblem, plan: Int32Array, use: PlanUse, moves: Moves, m: number): void {
  const i = moves.customer[m] as number;
  const from = plan[i] as number;
  const to = moves.to[m] as number;
  use.value += moves.gain[m] as number;
  use.spend += moves.spend[m] as number;
  if (from >= 0) {
    const c = problem.channel[from] as number;
    const o = problem.offer[from] as number;
    use.channel[c] = (use.channel[c] as number) - 1;
    use.offer[o] = (use.offer[o] as number) - 1;
  }
  if (to >= 0) {
    const c = problem.channel[to] as number;
    const o = problem.offer[to] as number;
    use.channel[c] = (use.channel[c] as number) + 1;
    use.offer[o] = (use.offer[o] as number) + 1;
  }
  plan[i] = to;
}

/**
 * Improves the feasible `plan` (whose use is `use`) by pairwise exchanges, in place, judged at
 * the prices in `pricing`, for at most `maxPasses` passes.
 *
 * @returns the plan's use, measured afresh.
 */
export function exchangePairs(pricing: Pricing, plan: Int32Array, use: PlanUse, maxPasses: number): PlanUse {
  const { problem } = pricing;
  let current = use;
  for (let pass = 0; pass < maxPasses; pass++) {
    const groupKeys = new Map<number, number>();
    const moves = listMoves(pricing, plan, current, groupKeys);
    const groups = buildGroups(problem, moves, groupKeys);
    const first: number[] = [];
    const second: number[] = [];
    const keys: number[] = [];
    for (let a = 0; a < moves.count; a++) {
      if (!((moves.gain[a] as number) > 0)) continue;
      const b = bestPartner(problem, current, moves, groups, a);
      if (b === -1) continue;
      const gain = (moves.gain[a] as number) + (b === ALONE ? 0 : (moves.gain[b] as number));
      if (!(gain > 0)) continue;
      first.push(a);
      second.push(b);
      keys.push(-gain);
    }
    if (first.length === 0) break;
    const order = Int32Array.from(first.keys());
    sortByKey(order, Float64Array.from(keys), order.length);
    const touched = new Uint8Array(problem.customers);
    const trial = plan.slice();
    const trialUse: PlanUse = { ...current, channel: current.channel.slice(), offer: current.offer.slice() };
    for (const p of order) {
      const a = first[p] as number;
      const b = second[p] as number;
      const i = moves.customer[a] as number;
      const k = b === ALONE ? i : (moves.customer[b] as number);
      if (touched[i] || touched[k]) continue;
      // Pairs applied before this one used some of the room: check again.
      const spend = (moves.spend[a] as number) + (b === ALONE ? 0 : (moves.spend[b] as number));
      const groupB = b === ALONE ? -1 : (moves.group[b] as number);
      if (trialUse.spend + spend > problem.budget) continue;
      if (!countsFit(problem, trialUse, groups, moves.group[a] as number, groupB)) continue;
      apply(problem, trial, trialUse, moves, a);
      if (b !== ALONE) apply(problem, trial, trialUse, moves, b);
      touched[i] = 1;
      touched[k] = 1;
    }
    const measured = measurePlan(problem, trial);
    // Running sums can drift a rounding from the measured ones: keep only what measures better.
    if (measured.spend > problem.budget || !(measured.value > current.value)) break;
    plan.set(trial);
    current = measured;
  }
  return current;
}
