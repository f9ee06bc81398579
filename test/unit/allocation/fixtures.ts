import { expect } from 'vitest';
import type { AllocationProblem, AllocationResult } from '../../../shared/domain/allocation/index';

/** A small seeded generator (mulberry32) so every instance is reproducible. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface OptionSpec {
  value: number;
  cost: number;
  channel: number;
  offer: number;
}

/** Builds the flat typed-array problem from per-customer option lists. */
export function makeProblem(
  customers: readonly (readonly OptionSpec[])[],
  budget: number,
  channelCapacity: readonly number[],
  offerCapacity: readonly number[],
): AllocationProblem {
  const all = customers.flat();
  const optionStart = new Int32Array(customers.length + 1);
  customers.forEach((options, i) => {
    optionStart[i + 1] = (optionStart[i] as number) + options.length;
  });
  return {
    customers: customers.length,
    optionStart,
    value: Float64Array.from(all, (o) => o.value),
    cost: Float64Array.from(all, (o) => o.cost),
    channel: Int32Array.from(all, (o) => o.channel),
    offer: Int32Array.from(all, (o) => o.offer),
    budget,
    channelCapacity: Float64Array.from(channelCapacity),
    offerCapacity: Float64Array.from(offerCapacity),
  };
}

/** A random instance: values partly negative, costs sometimes zero, capacities sometimes binding. */
export function randomProblem(
  rand: () => number,
  customers: number,
  maxOptions: number,
  channels: number,
  offers: number,
): AllocationProblem {
  const lists: OptionSpec[][] = [];
  let totalCost = 0;
  for (let i = 0; i < customers; i++) {
    const count = Math.floor(rand() * (maxOptions + 1));
    const options: OptionSpec[] = [];
    for (let k = 0; k < count; k++) {
      const cost = rand() < 0.1 ? 0 : Math.round(rand() * 100) / 10;
      totalCost += cost;
      options.push({
        value: Math.round((rand() * 12 - 3) * 100) / 100,
        cost,
        channel: Math.floor(rand() * channels),
        offer: Math.floor(rand() * offers),
      });
    }
    lists.push(options);
  }
  const capacity = () => {
    const roll = rand();
    if (roll < 0.35) return Number.POSITIVE_INFINITY;
    return roll < 0.4 ? 0 : 1 + Math.floor(rand() * customers);
  };
  const budget = rand() < 0.1 ? Number.POSITIVE_INFINITY : Math.round(rand() * totalCost * 0.8 * 10) / 10;
  return makeProblem(
    lists,
    budget,
    Array.from({ length: channels }, capacity),
    Array.from({ length: offers }, capacity),
  );
}

/**
 * The best feasible plan's value by enumerating every assignment (tiny instances only). Spend is
 * judged as the solver's measurePlan judges it, summed with the rounding error carried: costs in
 * tenths that add up to the budget exactly fit it, where a plain running sum of binary fractions
 * can land a rounding over and wrongly rule the plan out.
 */
export function bruteForce(problem: AllocationProblem): number {
  const channelUse = new Float64Array(problem.channelCapacity.length);
  const offerUse = new Float64Array(problem.offerCapacity.length);
  let best = 0;
  const visit = (i: number, spend: number, error: number, value: number): void => {
    if (i === problem.customers) {
      if (value > best) best = value;
      return;
    }
    visit(i + 1, spend, error, value);
    for (let j = problem.optionStart[i] as number; j < (problem.optionStart[i + 1] as number); j++) {
      const c = problem.channel[j] as number;
      const o = problem.offer[j] as number;
      const cost = problem.cost[j] as number;
      const next = spend + cost;
      const nextError =
        error + (Math.abs(spend) >= Math.abs(cost) ? spend - next + cost : cost - next + spend);
      if (next + nextError > problem.budget) continue;
      if ((channelUse[c] as number) + 1 > (problem.channelCapacity[c] as number)) continue;
      if ((offerUse[o] as number) + 1 > (problem.offerCapacity[o] as number)) continue;
      channelUse[c] = (channelUse[c] as number) + 1;
      offerUse[o] = (offerUse[o] as number) + 1;
      visit(i + 1, next, nextError, value + (problem.value[j] as number));
      channelUse[c] = (channelUse[c] as number) - 1;
      offerUse[o] = (offerUse[o] as number) - 1;
    }
  };
  visit(0, 0, 0, 0);
  return best;
}

/**
 * Checks a result against its problem from scratch: a valid option per customer, no negative
 * value chosen, uses and totals that match the choices, budget and capacities respected.
 */
export function expectFeasible(problem: AllocationProblem, result: AllocationResult): void {
  const channelUse = new Float64Array(problem.channelCapacity.length);
  const offerUse = new Float64Array(problem.offerCapacity.length);
  let spend = 0;
  let value = 0;
  expect(result.choice.length).toBe(problem.customers);
  for (let i = 0; i < problem.customers; i++) {
    const j = result.choice[i] as number;
    if (j === -1) continue;
    expect(j).toBeGreaterThanOrEqual(problem.optionStart[i] as number);
    expect(j).toBeLessThan(problem.optionStart[i + 1] as number);
    expect(problem.value[j]).toBeGreaterThan(0);
    spend += problem.cost[j] as number;
    value += problem.value[j] as number;
    channelUse[problem.channel[j] as number] = (channelUse[problem.channel[j] as number] as number) + 1;
    offerUse[problem.offer[j] as number] = (offerUse[problem.offer[j] as number] as number) + 1;
  }
  const slack = 1e-9 * Math.max(1, Number.isFinite(problem.budget) ? problem.budget : 1);
  expect(spend).toBeLessThanOrEqual(problem.budget + slack);
  expect(result.spend).toBeCloseTo(spend, 6);
  expect(result.value).toBeCloseTo(value, 6);
  expect(result.certificate.primal).toBeCloseTo(value, 6);
  expect(Array.from(result.channelUse)).toEqual(Array.from(channelUse));
  expect(Array.from(result.offerUse)).toEqual(Array.from(offerUse));
  problem.channelCapacity.forEach((cap, c) => {
    expect(channelUse[c]).toBeLessThanOrEqual(cap);
  });
  problem.offerCapacity.forEach((cap, o) => {
    expect(offerUse[o]).toBeLessThanOrEqual(cap);
  });
}

/** A plan given as chosen options, as an AllocationResult whose totals are recomputed from scratch, so expectFeasible can check any plan. */
export function resultOfChoice(problem: AllocationProblem, choice: Int32Array): AllocationResult {
  const channelUse = new Float64Array(problem.channelCapacity.length);
  const offerUse = new Float64Array(problem.offerCapacity.length);
  let spend = 0;
  let value = 0;
  for (const j of choice) {
    if (j === -1) continue;
    spend += problem.cost[j] as number;
    value += problem.value[j] as number;
    channelUse[problem.channel[j] as number] = (channelUse[problem.channel[j] as number] as number) + 1;
    offerUse[problem.offer[j] as number] = (offerUse[problem.offer[j] as number] as number) + 1;
  }
  return {
    choice,
    runnerUp: new Int32Array(0),
    reducedValue: new Float64Array(0),
    spend,
    value,
    channelUse,
    offerUse,
    certificate: { primal: value, dualBound: value, gap: 0, lambda: 0, iterations: 0 },
  };
}
