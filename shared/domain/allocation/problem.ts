/**
 * The allocation problem: a multiple-choice knapsack. Every customer gets at most one option (an
 * offer on a channel, with its own expected incremental profit and spend) or nothing, under a
 * total budget and per-channel and per-offer customer counts. Arrays are flat and typed so a
 * problem of tens of millions of options costs a few hundred megabytes and no per-option objects.
 */

export interface AllocationProblem {
  /** Number of customers, n. */
  customers: number;
  /** Length n + 1; the options of customer i are indices [optionStart[i], optionStart[i + 1]). */
  optionStart: Int32Array;
  /** Per option: expected incremental profit; may be negative (such an option is never chosen). */
  value: Float64Array;
  /** Per option: spend counted against the budget, >= 0. */
  cost: Float64Array;
  /** Per option: channel index in [0, channelCapacity.length). */
  channel: Int32Array;
  /** Per option: offer index in [0, offerCapacity.length). */
  offer: Int32Array;
  /** Total spend allowed, >= 0 (Infinity = unlimited). */
  budget: number;
  /** Max customers per channel (Infinity = unlimited). */
  channelCapacity: Float64Array;
  /** Max customers per offer (Infinity = unlimited). */
  offerCapacity: Float64Array;
}

export interface Certificate {
  /** Value of the returned feasible plan. */
  primal: number;
  /** An upper bound on the best feasible integer plan's value (the smallest Lagrangian dual seen). */
  dualBound: number;
  /** (dualBound - primal) / max(|dualBound|, 1e-9), >= 0. */
  gap: number;
  /** The budget's shadow price at the prices the returned plan was built from. */
  lambda: number;
  /** Outer rounds of the dual search. */
  iterations: number;
}

export interface AllocationResult {
  /** Chosen option index per customer, -1 = none. */
  choice: Int32Array;
  /**
   * Per customer, the second-best option by reduced value (value - lambda*cost - channel and offer
   * prices), or the best one when the plan chose the second-best; -1 if the customer has no other.
   */
  runnerUp: Int32Array;
  /** Per customer, the chosen option's reduced value at the final prices (0 when none). */
  reducedValue: Float64Array;
  spend: number;
  value: number;
  /** Customers per channel in the plan. */
  channelUse: Float64Array;
  /** Customers per offer in the plan. */
  offerUse: Float64Array;
  certificate: Certificate;
}

export interface SolveOptions {
  /** Stop once the certificate's relative gap is at most this (default 1e-4). */
  tolerance?: number;
  /** Most outer rounds of the dual search (default 30). */
  maxIterations?: number;
  /**
   * Whether a small problem still short of the tolerance gets the exact search over its marginal
   * customers (default true). That search can take seconds on hard instances; a caller solving
   * many related problems, such as the budget curve's points, may settle for the repaired and
   * exchanged plan, whose gap its certificate still states.
   */
  exactSearch?: boolean;
}

/** A problem that cannot be solved as given; the message names the array and index at fault. */
export class AllocationProblemError extends Error {
  override readonly name = 'AllocationProblemError';
}

function fail(message: string): never {
  throw new AllocationProblemError(message);
}

function checkCapacities(name: string, capacity: unknown): void {
  if (!(capacity instanceof Float64Array)) fail(`${name} must be a Float64Array`);
  for (let k = 0; k < capacity.length; k++) {
    const cap = capacity[k] as number;
    if (Number.isNaN(cap) || cap < 0) fail(`${name}[${k}] is ${cap}; a capacity must be >= 0 or Infinity`);
  }
}

function checkOptionArray(name: string, array: unknown, type: 'Float64Array' | 'Int32Array', length: number) {
  const ok = type === 'Float64Array' ? array instanceof Float64Array : array instanceof Int32Array;
  if (!ok) fail(`${name} must be an ${type}`);
  const actual = (array as Float64Array | Int32Array).length;
  if (actual !== length) {
    fail(`${name} has length ${actual} but optionStart[customers] says there are ${length} options`);
  }
}

function checkOptionStart(problem: AllocationProblem): number {
  const { customers, optionStart } = problem;
  if (!Number.isInteger(customers) || customers < 0) {
    fail(`customers is ${customers}; it must be a non-negative integer`);
  }
  if (!(optionStart instanceof Int32Array)) fail('optionStart must be an Int32Array');
  if (optionStart.length !== customers + 1) {
    fail(`optionStart has length ${optionStart.length}; it must be customers + 1 = ${customers + 1}`);
  }
  if (optionStart[0] !== 0) fail(`optionStart[0] is ${optionStart[0]}; it must be 0`);
  for (let i = 0; i < customers; i++) {
    if ((optionStart[i + 1] as number) < (optionStart[i] as number)) {
      fail(`optionStart[${i + 1}] = ${optionStart[i + 1]} is below optionStart[${i}] = ${optionStart[i]}`);
    }
  }
  return optionStart[customers] as number;
}

/**
 * Checks that a problem is internally consistent before any solver trusts its indices.
 *
 * @throws AllocationProblemError naming the first array and index that is wrong: lengths that
 *   disagree with `optionStart`, a decreasing `optionStart`, a non-finite value, a negative or
 *   non-finite cost, a channel or offer index out of range, a negative or NaN budget or capacity.
 */
export function validateProblem(problem: AllocationProblem): void {
  const options = checkOptionStart(problem);
  checkOptionArray('value', problem.value, 'Float64Array', options);
  checkOptionArray('cost', problem.cost, 'Float64Array', options);
  checkOptionArray('channel', problem.channel, 'Int32Array', options);
  checkOptionArray('offer', problem.offer, 'Int32Array', options);
  checkCapacities('channelCapacity', problem.channelCapacity);
  checkCapacities('offerCapacity', problem.offerCapacity);
  const { value, cost, channel, offer, budget } = problem;
  if (typeof budget !== 'number' || Number.isNaN(budget) || budget < 0) {
    fail(`budget is ${budget}; it must be >= 0 or Infinity`);
  }
  const channels = problem.channelCapacity.length;
  const offers = problem.offerCapacity.length;
  for (let j = 0; j < options; j++) {
    const v = value[j] as number;
    if (!Number.isFinite(v)) fail(`value[${j}] is ${v}; values must be finite`);
    const c = cost[j] as number;
    if (!Number.isFinite(c) || c < 0) fail(`cost[${j}] is ${c}; costs must be finite and >= 0`);
    const ch = channel[j] as number;
    if (ch < 0 || ch >= channels) fail(`channel[${j}] is ${ch}; it must be in [0, ${channels})`);
    const of = offer[j] as number;
    if (of < 0 || of >= offers) fail(`offer[${j}] is ${of}; it must be in [0, ${offers})`);
  }
}
