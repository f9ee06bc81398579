import { describe, expect, it } from 'vitest';
import { type AllocationProblem, solveAllocation } from '../../../shared/domain/allocation/index';
import { solveExactly } from '../../support/exact-allocation';
import {
  bruteForce,
  expectFeasible,
  makeProblem,
  mulberry32,
  type OptionSpec,
  randomProblem,
  resultOfChoice,
} from './fixtures';

/**
 * The promise: within 0.1% of the exact optimum. Asserted on every instance below.
 *
 * The Lagrangian plan alone loses a fraction of one customer's value (repair rounds the few
 * customers tied at the binding constraints): up to 0.7% where the optimum serves a few dozen
 * customers, several percent where it serves under ten. Small problems now also get pairwise
 * exchanges and an exact search over the marginal customers (see solver.ts) and mostly land on
 * the optimum. Measured with these generators on more seeds than run here, gap to HiGHS:
 * - 40-300 customers, tight (`small`, 200 instances): worst 0.0036%, mean 0.0000%, 199 exact
 *   (before: worst 0.69%, 22 over 0.1%); the 30 run here are all exact (before: worst 0.39%,
 *   5 over); another seed's 200: worst 0.0050%, 196 exact (before: worst 1.5%, 13 over);
 * - 40-300 customers serving few (`scarce`, 200 instances, median 42 served, 36 under ten):
 *   worst 0.0012%, 199 exact (before: worst 4.6%, 57 over); the 20 run here are all exact;
 * - 5-40 customers, 200 instances: all exact (before: worst 11.8%, 39 over);
 * - 500-800 customers (`large`, 60 instances): worst 0.0081%, mean 0.0010% (before: 0.022%);
 * - 1,000-3,000 customers, 20 instances: worst 0.0048% (before: 0.050%).
 * Problems whose certificate is already within the solver's tolerance (1e-4) skip the extra
 * steps, hence the small non-zero gaps. Not asserted, because not yet within 0.1% everywhere:
 * 100-500 customers with 24 options each as scripts/bench-allocation.ts generates them (60
 * instances): worst 0.22%, mean 0.007%, one over (before: worst 1.3%, 16 over); the same with
 * customers copied from 5-45 segment profiles (20 instances): worst 1.0%, mean 0.12%, three over
 * (before: worst 6.4%, mean 2.0%, 17 over), where the dual search stalls above the LP bound.
 */
const MAX_GAP = 0.001;

interface Shares {
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
function campaignProblem(rand: () => number, customers: number, shares: Shares): AllocationProblem {
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
function instance(
  seed: number,
  t: number,
  [least, most]: [number, number],
  shares: Shares,
): { problem: AllocationProblem; shape: string } {
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
const TIGHT: Shares = { budget: [0.1, 0.8], capacity: [0.05, 0.55], unlimitedBudget: 0.15 };
/** Budgets of 50-95%, capacities of 30-80%: binding, with hundreds of customers served. */
const ROOMY: Shares = { budget: [0.5, 0.95], capacity: [0.3, 0.8], unlimitedBudget: 0 };
/** Budgets of 2-30% (or none), capacities of 1-10%: the optimum serves a handful to a few dozen. */
const SCARCE: Shares = { budget: [0.02, 0.3], capacity: [0.01, 0.1], unlimitedBudget: 0.1 };
const small = (t: number) => instance(7_000, t, [40, 300], TIGHT);
const scarce = (t: number) => instance(27_000, t, [40, 300], SCARCE);
const large = (t: number) => instance(8_000, t, [500, 800], ROOMY);

function served(choice: Int32Array): number {
  return choice.reduce((count, j) => count + (j === -1 ? 0 : 1), 0);
}

interface Measured {
  gap: number;
  served: number;
  shape: string;
}

/** Solves exactly and with the solver; checks feasibility, the bracket and the 0.1%; returns the gap. */
async function measure({ problem, shape }: { problem: AllocationProblem; shape: string }): Promise<Measured> {
  const exact = await solveExactly(problem);
  const result = solveAllocation(problem);
  expectFeasible(problem, result);
  const { primal, dualBound } = result.certificate;
  expect(dualBound, shape).toBeGreaterThanOrEqual(exact.value - 1e-6);
  expect(primal, shape).toBeLessThanOrEqual(exact.value + 1e-6);
  // HiGHS's optimum is exact to its tolerances, so a plan can match it and read a hair above.
  const gap = Math.max(0, (exact.value - primal) / Math.max(exact.value, 1e-9));
  expect(gap, `${shape}: primal ${primal} vs exact ${exact.value}`).toBeLessThanOrEqual(MAX_GAP);
  return { gap, served: served(exact.choice), shape };
}

function summary(label: string, measured: readonly Measured[]): string {
  const worst = measured.reduce((a, b) => (b.gap > a.gap ? b : a));
  const mean = measured.reduce((sum, m) => sum + m.gap, 0) / measured.length;
  const over = measured.filter((m) => m.gap > MAX_GAP).length;
  return (
    `highs-exact ${label}: ${measured.length} instances, worst gap ${(worst.gap * 100).toFixed(4)}% ` +
    `(${worst.shape}, ${worst.served} served), mean gap ${(mean * 100).toFixed(4)}%, ${over} over 0.1%`
  );
}

describe('solveAllocation against the exact MILP optimum (HiGHS)', () => {
  it('is feasible, bracketed by the optimum and within 0.1% of it on 30 tight instances of 40-300 customers', async () => {
    const measured: Measured[] = [];
    for (let t = 0; t < 30; t++) measured.push(await measure(small(t)));
    console.log(summary('40-300 customers, tight', measured));
  });

  it('is within 0.1% of the optimum on 20 instances of 40-300 customers that serve few', async () => {
    const measured: Measured[] = [];
    for (let t = 0; t < 20; t++) measured.push(await measure(scarce(t)));
    console.log(summary('40-300 customers, few served', measured));
  });

  it('is within 0.1% of the optimum on 12 instances of 500-800 customers that serve hundreds', async () => {
    const measured: Measured[] = [];
    for (let t = 0; t < 12; t++) measured.push(await measure(large(t)));
    console.log(summary('500-800 customers, hundreds served', measured));
  });

  it('gets a feasible plan from HiGHS whose value is its objective, and the brute-force optimum on tiny ones', async () => {
    for (const { problem } of [small(0), small(1), small(2), small(3), large(1), large(2)]) {
      const exact = await solveExactly(problem);
      expectFeasible(problem, resultOfChoice(problem, exact.choice));
      expect(exact.value).toBeGreaterThan(0);
      expect(exact.value).toBeCloseTo(exact.objective, 6);
    }
    const rand = mulberry32(424242);
    for (let t = 0; t < 60; t++) {
      const problem = randomProblem(rand, 1 + Math.floor(rand() * 7), 3, 1 + Math.floor(rand() * 3), 2);
      const exact = await solveExactly(problem);
      expectFeasible(problem, resultOfChoice(problem, exact.choice));
      expect(exact.value).toBeCloseTo(bruteForce(problem), 9);
    }
  });

  it('finds the hand-computed optimum of a three-customer instance', async () => {
    // Customers A (a1, a2), B (b1, b2), C (c1, c2); budget 10, channel 0 holds one customer.
    // b2 loses money and a1 + c1 share channel 0; of the rest, a1 + b1 and any three-option plan
    // but a2 + b1 + c2 (9) overspend, a1 + c2 is 7, a2 + c1 is 9: the optimum is b1 + c1 = 10
    // (spend 9), leaving A out.
    const problem = makeProblem(
      [
        [
          { value: 5, cost: 6, channel: 0, offer: 0 },
          { value: 3, cost: 2, channel: 1, offer: 0 },
        ],
        [
          { value: 4, cost: 5, channel: 1, offer: 0 },
          { value: -1, cost: 0, channel: 1, offer: 0 },
        ],
        [
          { value: 6, cost: 4, channel: 0, offer: 0 },
          { value: 2, cost: 1, channel: 1, offer: 0 },
        ],
      ],
      10,
      [1, Number.POSITIVE_INFINITY],
      [Number.POSITIVE_INFINITY],
    );
    const exact = await solveExactly(problem);
    expect(exact.value).toBeCloseTo(10, 9);
    expect(Array.from(exact.choice)).toEqual([-1, 2, 4]);
    expect(bruteForce(problem)).toBeCloseTo(10, 9);
    const result = solveAllocation(problem);
    expectFeasible(problem, result);
    expect(result.value).toBeCloseTo(10, 9);
  });
});
