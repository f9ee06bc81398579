import { type BindingConstraint, BUDGET, bindingConstraints, CHANNEL, writeMultipliers } from './constraints';
import { type Prices, zeroPrices } from './pricing';
import type { AllocationProblem } from './problem';

/**
 * Prices near the dual optimum from a smoothed dual, for small problems where coordinate descent
 * stalls on a kink of the piecewise-linear dual.
 *
 * Each customer's max(0, best reduced value) becomes tau * log(1 + sum exp(reduced / tau)): at
 * most tau * log(options + 1) above it, smooth and strictly convex in the prices. With a handful
 * of binding constraints Newton's method minimises it in a few steps per tau, each step one pass
 * over the options and an m x m solve. Shrinking tau walks the minimiser to the exact dual's
 * (the LP relaxation's prices). Every point visited is also scored on the exact dual and the
 * lowest is returned: like any prices, they give a valid upper bound whatever the smoothing did,
 * and the solver's line searches start from them.
 */

/** tau starts at this share of the mean positive option value, and shrinks by SHRINK a level. */
const FIRST_TAU = 0.1;
const SHRINK = 0.2;
/** tau levels below this share of the mean positive value cannot move the exact dual any more. */
const LAST_TAU = 1e-7;
const NEWTON_STEPS = 40;
const BACKTRACKS = 40;
/** Sufficient decrease: a step must realise this share of the decrease its slope promises. */
const ARMIJO = 1e-4;
/** See trustedStep. */
const TRUST = 10;
/** A Newton step predicting less than this share of the dual is the level's end. */
const DECREMENT = 1e-13;

/** The binding constraints, where each channel's and offer's multiplier sits among them, and scales. */
interface Layout {
  constraints: BindingConstraint[];
  capacity: Float64Array;
  upper: Float64Array;
  /** Index of the budget among the constraints, or -1. */
  budget: number;
  /** Per channel and per offer: index among the constraints, or -1. */
  channelAt: Int32Array;
  offerAt: Int32Array;
  scale: number;
  /** Per constraint: what a typical option uses of it (its mean spend for the budget, else 1). */
  unit: Float64Array;
}

function layout(problem: AllocationProblem): Layout {
  const constraints = bindingConstraints(problem);
  const channelAt = new Int32Array(problem.channelCapacity.length).fill(-1);
  const offerAt = new Int32Array(problem.offerCapacity.length).fill(-1);
  let budget = -1;
  constraints.forEach((k, at) => {
    if (k.kind === BUDGET) budget = at;
    else if (k.kind === CHANNEL) channelAt[k.index] = at;
    else offerAt[k.index] = at;
  });
  let sum = 0;
  let spend = 0;
  let count = 0;
  problem.value.forEach((v, j) => {
    if (v > 0) {
      sum += v;
      spend += problem.cost[j] as number;
      count++;
    }
  });
  const meanSpend = count > 0 && spend > 0 ? spend / count : 1;
  return {
    constraints,
    capacity: Float64Array.from(constraints, (k) => k.capacity),
    upper: Float64Array.from(constraints, (k) => k.upper),
    budget,
    channelAt,
    offerAt,
    scale: count > 0 ? sum / count : 1,
    unit: Float64Array.from(constraints, (k) => (k.kind === BUDGET ? meanSpend : 1)),
  };
}

interface Evaluation {
  /** The smoothed dual, its gradient and Hessian (row-major m x m), the exact dual. */
  smooth: number;
  gradient: Float64Array;
  hessian: Float64Array;
  exact: number;
}

/** Per customer: the reduced values of its options (value > 0) and their exp weights. */
interface Scratch {
  option: Int32Array;
  weight: Float64Array;
}

function scratchFor(problem: AllocationProblem): Scratch {
  let widest = 0;
  for (let i = 0; i < problem.customers; i++) {
    widest = Math.max(widest, (problem.optionStart[i + 1] as number) - (problem.optionStart[i] as number));
  }
  return { option: new Int32Array(widest), weight: new Float64Array(widest) };
}

/**
 * Customer i's options (value > 0) into the scratch with weights exp((reduced - top) / tau);
 * returns [count, top, sum of weights including no contact's].
 */
function weigh(
  problem: AllocationProblem,
  at: Layout,
  y: Float64Array,
  tau: number,
  i: number,
  scratch: Scratch,
): [number, number, number] {
  const { optionStart, value, cost, channel, offer } = problem;
  const lambda = at.budget >= 0 ? (y[at.budget] as number) : 0;
  let count = 0;
  let top = 0;
  for (let j = optionStart[i] as number; j < (optionStart[i + 1] as number); j++) {
    if ((value[j] as number) <= 0) continue;
    const c = at.channelAt[channel[j] as number] as number;
    const o = at.offerAt[offer[j] as number] as number;
    const r =
      (value[j] as number) -
      lambda * (cost[j] as number) -
      (c >= 0 ? (y[c] as number) : 0) -
      (o >= 0 ? (y[o] as number) : 0);
    scratch.option[count] = j;
    scratch.weight[count++] = r;
    if (r > top) top = r;
  }
  let sum = Math.exp(-top / tau);
  for (let k = 0; k < count; k++) {
    const w = Math.exp(((scratch.weight[k] as number) - top) / tau);
    scratch.weight[k] = w;
    sum += w;
  }
  return [count, top, sum];
}

/** Adds `amount` to entry (k, l) of the row-major m x m matrix. */
function addOuter(hessian: Float64Array, m: number, k: number, l: number, amount: number): void {
  hessian[k * m + l] = (hessian[k * m + l] as number) + amount;
}

/** One pass: the smoothed and exact duals at y; gradient and Hessian when `derivatives`. */
function evaluate(
  problem: AllocationProblem,
  at: Layout,
  y: Float64Array,
  tau: number,
  derivatives: boolean,
  scratch: Scratch,
): Evaluation {
  const m = y.length;
  const { cost, channel, offer } = problem;
  const gradient = new Float64Array(m);
  const hessian = new Float64Array(m * m);
  const mean = new Float64Array(m);
  let smooth = 0;
  let exact = 0;
  for (let k = 0; k < m; k++) {
    const share = (y[k] as number) * (at.capacity[k] as number);
    smooth += share;
    exact += share;
  }
  const b = at.budget;
  for (let i = 0; i < problem.customers; i++) {
    const [count, top, sum] = weigh(problem, at, y, tau, i, scratch);
    exact += top;
    smooth += top + tau * Math.log(sum);
    if (!derivatives || count === 0) continue;
    mean.fill(0);
    for (let q = 0; q < count; q++) {
      const p = (scratch.weight[q] as number) / sum;
      if (p < 1e-16) continue;
      const j = scratch.option[q] as number;
      const spend = cost[j] as number;
      const c = at.channelAt[channel[j] as number] as number;
      const o = at.offerAt[offer[j] as number] as number;
      const w = p / tau;
      if (b >= 0) {
        mean[b] = (mean[b] as number) + p * spend;
        addOuter(hessian, m, b, b, w * spend * spend);
        if (c >= 0) addOuter(hessian, m, b, c, w * spend);
        if (o >= 0) addOuter(hessian, m, b, o, w * spend);
      }
      if (c >= 0) {
        mean[c] = (mean[c] as number) + p;
        if (b >= 0) addOuter(hessian, m, c, b, w * spend);
        addOuter(hessian, m, c, c, w);
        if (o >= 0) addOuter(hessian, m, c, o, w);
      }
      if (o >= 0) {
        mean[o] = (mean[o] as number) + p;
        if (b >= 0) addOuter(hessian, m, o, b, w * spend);
        if (c >= 0) addOuter(hessian, m, o, c, w);
        addOuter(hessian, m, o, o, w);
      }
    }
    for (let k = 0; k < m; k++) {
      const mk = mean[k] as number;
      if (mk === 0) continue;
      gradient[k] = (gradient[k] as number) - mk;
      for (let l = 0; l < m; l++)
        hessian[k * m + l] = (hessian[k * m + l] as number) - (mk * (mean[l] as number)) / tau;
    }
  }
  for (let k = 0; k < m; k++) gradient[k] = (gradient[k] as number) + (at.capacity[k] as number);
  return { smooth, gradient, hessian, exact };
}

/** Solves H d = -g over the free coordinates (Cholesky with a small ridge); held ones get 0. */
function newtonDirection(hessian: Float64Array, gradient: Float64Array, free: boolean[]): Float64Array {
  const m = gradient.length;
  const index = free.flatMap((f, k) => (f ? [k] : []));
  const n = index.length;
  const a = new Float64Array(n * n);
  let trace = 0;
  for (let r = 0; r < n; r++) trace += hessian[(index[r] as number) * m + (index[r] as number)] as number;
  const ridge = 1e-12 * Math.max(trace / Math.max(n, 1), 1e-300);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++)
      a[r * n + c] = hessian[(index[r] as number) * m + (index[c] as number)] as number;
    a[r * n + r] = (a[r * n + r] as number) + ridge;
  }
  for (let c = 0; c < n; c++) {
    let d = a[c * n + c] as number;
    for (let k = 0; k < c; k++) d -= (a[c * n + k] as number) ** 2;
    const root = Math.sqrt(Math.max(d, ridge));
    a[c * n + c] = root;
    for (let r = c + 1; r < n; r++) {
      let s = a[r * n + c] as number;
      for (let k = 0; k < c; k++) s -= (a[r * n + k] as number) * (a[c * n + k] as number);
      a[r * n + c] = s / root;
    }
  }
  const z = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = -(gradient[index[r] as number] as number);
    for (let k = 0; k < r; k++) s -= (a[r * n + k] as number) * (z[k] as number);
    z[r] = s / (a[r * n + r] as number);
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = z[r] as number;
    for (let k = r + 1; k < n; k++) s -= (a[k * n + r] as number) * (z[k] as number);
    z[r] = s / (a[r * n + r] as number);
  }
  const d = new Float64Array(m);
  index.forEach((k, r) => {
    d[k] = z[r] as number;
  });
  return d;
}

/**
 * The largest step, at most 1, moving no price by more than its size or TRUST * tau worth of
 * reduced value. Right after tau shrinks, directions along which no customer is near a tie have
 * an almost flat Hessian and Newton's step there is orders of magnitude too long.
 */
function trustedStep(at: Layout, y: Float64Array, d: Float64Array, tau: number): number {
  let t = 1;
  for (let k = 0; k < y.length; k++) {
    const reach = Math.max(y[k] as number, (TRUST * tau) / (at.unit[k] as number));
    const move = Math.abs(d[k] as number);
    if (move > reach) t = Math.min(t, reach / move);
  }
  return t;
}

/** Prices minimising the smoothed dual as tau shrinks; the ones with the lowest exact dual. */
export function smoothedPrices(problem: AllocationProblem): {
  prices: Prices;
  bound: number;
  rounded: Int32Array;
} {
  const at = layout(problem);
  const m = at.constraints.length;
  const y = new Float64Array(m);
  const prices = zeroPrices(problem);
  const scratch = scratchFor(problem);
  let best = evaluate(problem, at, y, at.scale, false, scratch).exact;
  let bestY = y.slice();
  if (m === 0) return { prices, bound: best, rounded: roundSmoothed(problem, at, y, at.scale, scratch) };
  let tau = FIRST_TAU * at.scale;
  for (; tau >= LAST_TAU * at.scale; tau *= SHRINK) {
    for (let step = 0; step < NEWTON_STEPS; step++) {
      const here = evaluate(problem, at, y, tau, true, scratch);
      if (here.exact < best) {
        best = here.exact;
        bestY = y.slice();
      }
      const free = Array.from(y, (v, k) => v > 0 || (here.gradient[k] as number) < 0);
      const d = newtonDirection(here.hessian, here.gradient, free);
      let slope = 0;
      for (let k = 0; k < m; k++) slope += (here.gradient[k] as number) * (d[k] as number);
      if (!(slope < -DECREMENT * Math.max(1, Math.abs(here.smooth)))) break;
      let t = trustedStep(at, y, d, tau);
      let moved = false;
      const next = new Float64Array(m);
      for (let back = 0; back < BACKTRACKS; back++) {
        for (let k = 0; k < m; k++) {
          next[k] = Math.min(Math.max(0, (y[k] as number) + t * (d[k] as number)), at.upper[k] as number);
        }
        const there = evaluate(problem, at, next, tau, false, scratch);
        if (there.exact < best) {
          best = there.exact;
          bestY = next.slice();
        }
        const rise = there.smooth - here.smooth - t * slope;
        if (there.smooth <= here.smooth + ARMIJO * t * slope) {
          moved = true;
          break;
        }
        // The minimiser of the quadratic through f(0), f'(0) and f(t), kept within [t/10, t/2]:
        // after a new tau the first Newton step can overshoot by orders of magnitude.
        t = Math.min(0.5 * t, Math.max(0.1 * t, (-slope * t * t) / (2 * rise)));
      }
      if (!moved) break;
      y.set(next);
    }
  }
  writeMultipliers(at.constraints, bestY, prices);
  return { prices, bound: best, rounded: roundSmoothed(problem, at, y, tau / SHRINK, scratch) };
}

/**
 * A plan rounded from the smoothed choice probabilities at y: near the LP relaxation's optimum,
 * customers tied between options (identical customers are, in whole segments) hold fractions.
 * Error diffusion over (channel, offer) pairs, in customer order, hands out whole options so
 * each pair's count stays within one of its fractional total, which the capacities and budget
 * hold near the optimum; the plan is then repaired like any relaxed plan.
 */
function roundSmoothed(
  problem: AllocationProblem,
  at: Layout,
  y: Float64Array,
  tau: number,
  scratch: Scratch,
): Int32Array {
  const { channel, offer } = problem;
  const offers = problem.offerCapacity.length;
  const none = problem.channelCapacity.length * offers;
  const debt = new Float64Array(none + 1);
  const rounded = new Int32Array(problem.customers);
  for (let i = 0; i < problem.customers; i++) {
    const [count, top, sum] = weigh(problem, at, y, tau, i, scratch);
    debt[none] = (debt[none] as number) + Math.exp(-top / tau) / sum;
    let chosen = -1;
    let chosenDebt = debt[none] as number;
    for (let q = 0; q < count; q++) {
      const p = (scratch.weight[q] as number) / sum;
      const j = scratch.option[q] as number;
      const pair = (channel[j] as number) * offers + (offer[j] as number);
      debt[pair] = (debt[pair] as number) + p;
      if (p > 1e-9 && (debt[pair] as number) > chosenDebt) {
        chosenDebt = debt[pair] as number;
        chosen = j;
      }
    }
    rounded[i] = chosen;
    const pair = chosen >= 0 ? (channel[chosen] as number) * offers + (offer[chosen] as number) : none;
    debt[pair] = (debt[pair] as number) - 1;
  }
  return rounded;
}
