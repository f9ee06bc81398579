import { type BindingConstraint, bindingConstraints, readMultipliers, writeMultipliers } from './constraints';
import {
  type Aggregates,
  addOption,
  aggregateLength,
  createPricing,
  dualValue,
  evaluateAll,
  evaluateList,
  type Prices,
  type Pricing,
  refreshPairPrices,
  SPEND_SLOT,
} from './pricing';
import type { AllocationProblem } from './problem';

/**
 * Minimises the Lagrangian dual of the allocation problem by exact line searches: one along each
 * multiplier in turn (block coordinate descent), and one along the previous round's overall move
 * (a Hooke-Jeeves pattern step), which cuts through the zig-zag that coupled constraints such as a
 * budget and a channel capacity otherwise cause.
 *
 * Along a line y0 + t*d the dual is convex with slope d . (capacity - use), and every reduced value
 * is linear in t. So the minimiser is found by bisection on the slope's sign, and a customer whose
 * choice is the same at both ends of the bracket keeps it everywhere in between and can be frozen:
 * each bisection step re-evaluates only the customers still changing, and a line search costs
 * about one pass over the options instead of one per step.
 *
 * Known limit: when many customers have identical options (segment-level scores), the dual has a
 * few large kinks, and coordinate descent can stall on one that only a joint move of several
 * prices leaves. The bound stays valid and the search stops; the certificate's gap shows the cost.
 * pairRound, which moves two prices at a time, leaves most such kinks on small problems.
 */

const RELATIVE_WIDTH = 1e-12;
/** Price moves below this share of the prices are tie jitter, not progress. */
const SIGNIFICANT = 1e-9;
/** A pattern step extrapolates the last round's move at most this many times over. */
const PATTERN_REACH = 8;
const MAX_BISECTIONS = 100;
const MAX_EXPANSIONS = 40;

/** One end of a bracket: its position on the line, the plan there, the plan's aggregates. */
interface End {
  t: number;
  choice: Int32Array;
  agg: Aggregates;
}

/** Block coordinate descent with pattern steps; the state is the relaxed plan at `prices`. */
export class LagrangianDual {
  readonly pricing: Pricing;
  /** Each customer's best option at the current prices (the relaxed plan). */
  choice: Int32Array;
  /** Aggregates of `choice`. */
  readonly aggregates: Aggregates;
  /** The smallest dual value seen: an upper bound on every feasible plan's value. */
  bound = Number.POSITIVE_INFINITY;
  /** The dual value at the current prices. */
  current = Number.POSITIVE_INFINITY;
  /** Customers evaluated so far, a measure of work (divide by customers for full passes). */
  evaluated = 0;
  /** Line searches that moved the prices significantly in the last round. */
  moves = 0;
  private spare: Int32Array;
  private readonly constraints: BindingConstraint[];
  /** Current multipliers of `constraints`. */
  private readonly y: Float64Array;
  private readonly origin: Float64Array;
  private readonly direction: Float64Array;
  private readonly roundStart: Float64Array;
  private readonly steps: Float64Array;
  private rounds = 0;
  /** Customers of `active` still changing when the last bisection stopped. */
  private unresolved = 0;
  private readonly active: Int32Array;
  private readonly midChoice: Int32Array;
  private readonly frozen: Aggregates;
  private readonly low: End;
  private readonly high: End;
  private readonly midAgg: Aggregates;

  /**
   * @param start prices to start from, e.g. estimated on a sample; the first line searches then
   *   look near them instead of across the whole range.
   * @param precision a line search is skipped when convexity shows it cannot lower the dual by
   *   more than this share of it.
   */
  constructor(
    readonly problem: AllocationProblem,
    start?: Prices,
    private readonly precision = 1e-7,
  ) {
    this.pricing = createPricing(problem, start);
    const n = problem.customers;
    this.choice = new Int32Array(n);
    this.spare = new Int32Array(n);
    this.active = new Int32Array(n);
    this.midChoice = new Int32Array(n);
    const length = aggregateLength(problem);
    this.aggregates = new Float64Array(length);
    this.frozen = new Float64Array(length);
    this.midAgg = new Float64Array(length);
    this.low = { t: 0, choice: this.spare, agg: new Float64Array(length) };
    this.high = { t: 0, choice: this.spare, agg: new Float64Array(length) };
    this.constraints = bindingConstraints(problem);
    const m = this.constraints.length;
    this.y = readMultipliers(this.constraints, this.pricing.prices).map((t, at) =>
      Math.min(Math.max(0, t), (this.constraints[at] as BindingConstraint).upper),
    );
    this.origin = new Float64Array(m);
    this.direction = new Float64Array(m);
    this.roundStart = new Float64Array(m);
    // Without a start, the first search goes straight to where nobody uses the constraint.
    this.steps = this.y.map((t, at) => {
      const upper = (this.constraints[at] as BindingConstraint).upper;
      if (!start) return upper;
      return t > 0 ? 0.05 * t : 0.01 * upper;
    });
    writeMultipliers(this.constraints, this.y, this.pricing.prices);
    refreshPairPrices(this.pricing);
    evaluateAll(this.pricing, this.choice, this.aggregates);
    this.evaluated += n;
    this.current = this.record(this.aggregates);
  }

  /** The current prices (live; copy before keeping). */
  get prices(): Prices {
    return this.pricing.prices;
  }

  /** Whether any constraint can bind; without one the relaxed plan is already optimal. */
  get constrained(): boolean {
    return this.constraints.length > 0;
  }

  /**
   * A pattern step along the previous round's move, then one line search per binding constraint,
   * capacities first so the round ends with the budget held. Returns the dual value at the new
   * prices; `moves` tells how many searches moved the prices significantly.
   */
  round(): number {
    const m = this.constraints.length;
    this.moves = 0;
    if (this.rounds > 0) {
      for (let k = 0; k < m; k++) this.direction[k] = (this.y[k] as number) - (this.roundStart[k] as number);
      if (this.significant(1)) this.lineSearch(1, -1, PATTERN_REACH);
    }
    this.roundStart.set(this.y);
    for (let k = 0; k < m; k++) {
      this.direction.fill(0);
      this.direction[k] = 1;
      const before = this.y[k] as number;
      this.lineSearch(this.steps[k] as number, k, Number.POSITIVE_INFINITY);
      const moved = Math.abs((this.y[k] as number) - before);
      // Next time, look a little beyond this move; a price at zero may have to rise from nothing.
      const y = this.y[k] as number;
      const upper = (this.constraints[k] as BindingConstraint).upper;
      this.steps[k] = Math.max(4 * moved, 1e-3 * y, y === 0 ? 1e-2 * upper : 0);
    }
    this.rounds++;
    return this.current;
  }

  /**
   * A line search along every pair of prices moving together, both ways. Where many customers
   * are identical, the dual has kinks that no single price can leave without raising the dual
   * while two prices moving together can (and the pattern step only follows the last round's
   * move). Costs m(m - 1) line searches for m binding constraints, so it is for small problems
   * once rounds stall. Returns how many searches moved the prices significantly.
   */
  pairRound(): number {
    const m = this.constraints.length;
    let moved = 0;
    for (let a = 0; a < m; a++) {
      for (let b = a + 1; b < m; b++) {
        for (const sign of [1, -1]) {
          this.direction.fill(0);
          this.direction[a] = 1;
          this.direction[b] = sign;
          const scale = Math.max(this.steps[a] as number, this.steps[b] as number);
          const before = this.moves;
          this.lineSearch(scale, -1, Number.POSITIVE_INFINITY);
          moved += this.moves - before;
        }
      }
    }
    return moved;
  }

  /** Whether moving t along `direction` changes some price by more than a rounding-level share. */
  private significant(t: number): boolean {
    let move = 0;
    let size = 0;
    for (let k = 0; k < this.y.length; k++) {
      move = Math.max(move, Math.abs(t * (this.direction[k] as number)));
      size = Math.max(size, Math.abs(this.y[k] as number));
    }
    return move > SIGNIFICANT * Math.max(size, Number.MIN_VALUE);
  }

  private record(agg: Aggregates): number {
    const value = dualValue(this.pricing, agg);
    if (value < this.bound) this.bound = value;
    return value;
  }

  /** The dual's slope along `direction` for a plan with aggregates `agg`. */
  private slope(agg: Aggregates): number {
    let total = 0;
    for (let k = 0; k < this.constraints.length; k++) {
      const d = this.direction[k] as number;
      if (d === 0) continue;
      const constraint = this.constraints[k] as BindingConstraint;
      total += d * (constraint.capacity - (agg[constraint.slot] as number));
    }
    return total;
  }

  /** Sets the prices to origin + t * direction (never below 0). */
  private moveTo(t: number): void {
    for (let k = 0; k < this.y.length; k++) {
      this.y[k] = Math.max(0, (this.origin[k] as number) + t * (this.direction[k] as number));
    }
    writeMultipliers(this.constraints, this.y, this.pricing.prices);
    refreshPairPrices(this.pricing);
  }

  /** Evaluates `end` at t; returns how many customers choose differently from `reference`. */
  private evaluateEnd(end: End, t: number, reference: Int32Array): number {
    this.moveTo(t);
    end.t = t;
    const changed = evaluateAll(this.pricing, end.choice, end.agg, reference, this.active);
    this.evaluated += this.problem.customers;
    this.record(end.agg);
    return changed;
  }

  /** The range of t keeping every multiplier within [0, upper]. */
  private range(): [number, number] {
    let min = Number.NEGATIVE_INFINITY;
    let max = Number.POSITIVE_INFINITY;
    for (let k = 0; k < this.y.length; k++) {
      const d = this.direction[k] as number;
      if (d === 0) continue;
      const y = this.y[k] as number;
      const upper = (this.constraints[k] as BindingConstraint).upper;
      const toZero = -y / d;
      const toUpper = (upper - y) / d;
      min = Math.max(min, Math.min(toZero, toUpper));
      max = Math.min(max, Math.max(toZero, toUpper));
    }
    return [Math.min(min, 0), Math.max(max, 0)];
  }

  /** Whether moving along `direction` could lower the dual by more than the precision. */
  private worthSearching(slope: number, min: number, max: number): boolean {
    // Convexity: the dual cannot fall faster than its slope at the start of the move.
    const reach = slope < 0 ? max : -min;
    return Math.abs(slope) * reach > this.precision * Math.abs(this.current);
  }

  /**
   * Moves the prices to the dual's minimiser along `direction`, first probing `step` away, going
   * at most `reach` along it. `coordinate` is the constraint whose price alone moves, or -1.
   */
  private lineSearch(firstStep: number, coordinate: number, reach: number): void {
    this.origin.set(this.y);
    const [rangeMin, rangeMax] = this.range();
    const min = Math.max(rangeMin, -reach);
    const max = Math.min(rangeMax, reach);
    const s0 = this.slope(this.aggregates);
    if (s0 === 0 || !this.worthSearching(s0, min, max)) return;
    // `low` has slope < 0, `high` slope >= 0; the current plan is one of them.
    const { low, high } = this;
    const here = s0 < 0 ? low : high;
    const there = s0 < 0 ? high : low;
    here.t = 0;
    here.choice = this.choice;
    here.agg.set(this.aggregates);
    there.choice = this.spare;
    let step = firstStep;
    let bracketed = false;
    let changed = 0;
    for (let expansion = 0; expansion < MAX_EXPANSIONS; expansion++) {
      const t = s0 < 0 ? Math.min(here.t + step, max) : Math.max(here.t - step, min);
      changed = this.evaluateEnd(there, t, here.choice);
      const slope = this.slope(there.agg);
      if (s0 < 0 ? slope >= 0 : slope < 0) {
        bracketed = true;
        break;
      }
      // The probe is on the same side as the start: it becomes the near end.
      [here.choice, there.choice] = [there.choice, here.choice];
      here.agg.set(there.agg);
      here.t = t;
      if (t === (s0 < 0 ? max : min)) break;
      step *= 4;
    }
    const final = bracketed ? this.bisect(changed) : here;
    if (bracketed && coordinate >= 0) this.splitTies(coordinate);
    this.moveTo(final.t);
    this.choice = final.choice;
    this.spare = final === low ? high.choice : low.choice;
    this.aggregates.set(final.agg);
    this.current = dualValue(this.pricing, this.aggregates);
    if (this.significant(final.t)) this.moves++;
  }

  /**
   * Narrows [low, high] to the slope's sign change and returns the `high` end (slope >= 0), with
   * its plan. `changing` customers, listed in `active`, choose differently at the two ends. Runs
   * to a tiny bracket rather than stopping once the dual is flat: the dual is flattest near its
   * minimum, where the plan's use of the constraint still moves, and the repair needs that use
   * close to the capacity.
   */
  private bisect(changing: number): End {
    const { pricing, active, midChoice, frozen, midAgg, low, high } = this;
    // What the settled customers add up to: the low end's total minus the changing customers.
    frozen.set(low.agg);
    for (let p = 0; p < changing; p++) {
      const i = active[p] as number;
      const j = low.choice[i] as number;
      if (j >= 0) addOption(pricing, j, frozen, -1);
    }
    let count = changing;
    for (let step = 0; step < MAX_BISECTIONS && count > 0; step++) {
      const scale = Math.max(Math.abs(low.t), Math.abs(high.t));
      if (high.t - low.t <= RELATIVE_WIDTH * scale) break;
      const mid = 0.5 * (low.t + high.t);
      if (mid <= low.t || mid >= high.t) break;
      this.moveTo(mid);
      midAgg.set(frozen);
      evaluateList(this.pricing, active, count, midChoice, midAgg);
      this.evaluated += count;
      this.record(midAgg);
      const midSlope = this.slope(midAgg);
      const midIsLow = midSlope < 0;
      // Customers whose choice at mid matches the end that stays are settled for good.
      const moving = midIsLow ? low : high;
      const staying = midIsLow ? high : low;
      let kept = 0;
      for (let p = 0; p < count; p++) {
        const i = active[p] as number;
        const j = midChoice[p] as number;
        moving.choice[i] = j;
        if (j === staying.choice[i]) {
          if (j >= 0) addOption(pricing, j, frozen);
        } else {
          active[kept++] = i;
        }
      }
      count = kept;
      moving.t = mid;
      moving.agg.set(midAgg);
    }
    this.unresolved = count;
    return high;
  }

  /** How much of constraint `slot` option j uses (0 for no option). */
  private uses(j: number, slot: number): number {
    if (j < 0) return 0;
    if (slot === SPEND_SLOT) return this.problem.cost[j] as number;
    const pair = this.pricing.pair[j] as number;
    return this.pricing.pairChannelSlot[pair] === slot || this.pricing.pairOfferSlot[pair] === slot ? 1 : 0;
  }

  /**
   * The customers still changing at the end of a bisection are tied at the crossing: whole
   * segments of identical customers can be. The high end serves none of them the constraint-heavy
   * way and leaves the constraint slack by up to a segment. Like the LP, which splits them, move
   * them one by one (lower index first) to their low-end choice while constraint k still holds.
   */
  private splitTies(k: number): void {
    const { active, low, high, pricing } = this;
    const { capacity, slot } = this.constraints[k] as BindingConstraint;
    for (let p = 0; p < this.unresolved; p++) {
      const i = active[p] as number;
      const from = high.choice[i] as number;
      const to = low.choice[i] as number;
      const use = (high.agg[slot] as number) + this.uses(to, slot) - this.uses(from, slot);
      if (use > capacity) continue;
      if (from >= 0) addOption(pricing, from, high.agg, -1);
      if (to >= 0) addOption(pricing, to, high.agg);
      high.choice[i] = to;
    }
  }
}
