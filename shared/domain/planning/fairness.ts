import type { AllocationProblem } from '../allocation/problem';
import { solveAllocation } from '../allocation/solver';

/** Who gets offers, per protected group, and what parity of offer rates would cost. */

export const PROTECTED_ATTRIBUTES = ['gender', 'age_band', 'region'] as const;
export type ProtectedAttribute = (typeof PROTECTED_ATTRIBUTES)[number];

/** One eligible (not held-out) customer. */
export interface FairnessSubject {
  /** '' when unknown; reported as the group 'unknown'. */
  attributes: Record<ProtectedAttribute, string>;
  targeted: boolean;
  /** 0 when not targeted. */
  discountPct: number;
  /** Expected incremental profit of the customer's action, 0 when not targeted. */
  expectedValue: number;
}

export interface GroupFigures {
  group: string;
  customers: number;
  offerRate: number;
  /** Over the targeted customers of the group; 0 when none is targeted. */
  meanDiscountPct: number;
  /** Per customer of the group, targeted or not. */
  meanExpectedValue: number;
  /** offerRate / the highest group offerRate; null if that is 0. */
  disparateImpact: number | null;
}

export interface AttributeFairness {
  attribute: ProtectedAttribute;
  groups: GroupFigures[];
  minDisparateImpact: number | null;
  passesFourFifths: boolean | null;
}

const UNKNOWN = 'unknown';
const FOUR_FIFTHS = 0.8;

type Tally = { customers: number; targeted: number; discountSum: number; valueSum: number };

/**
 * Per attribute, one row per group, sorted by name with 'unknown' last. The unknown group takes
 * part in the disparate-impact ratios like any other: customers whose attribute is missing can be
 * under-served too, and leaving them out would hide it.
 */
export function fairnessReport(subjects: readonly FairnessSubject[]): AttributeFairness[] {
  return PROTECTED_ATTRIBUTES.map((attribute) => attributeFairness(attribute, subjects));
}

function attributeFairness(
  attribute: ProtectedAttribute,
  subjects: readonly FairnessSubject[],
): AttributeFairness {
  const tallies = new Map<string, Tally>();
  for (const subject of subjects) {
    const raw = subject.attributes[attribute].trim();
    const group = raw === '' ? UNKNOWN : raw;
    const tally = tallies.get(group) ?? { customers: 0, targeted: 0, discountSum: 0, valueSum: 0 };
    tallies.set(group, tally);
    tally.customers += 1;
    tally.valueSum += subject.expectedValue;
    if (subject.targeted) {
      tally.targeted += 1;
      tally.discountSum += subject.discountPct;
    }
  }
  const names = [...tallies.keys()].sort(byNameUnknownLast);
  const top = Math.max(0, ...[...tallies.values()].map((t) => t.targeted / t.customers));
  const groups = names.map((group): GroupFigures => {
    const t = tallies.get(group) as Tally;
    const offerRate = t.targeted / t.customers;
    return {
      group,
      customers: t.customers,
      offerRate,
      meanDiscountPct: t.targeted > 0 ? t.discountSum / t.targeted : 0,
      meanExpectedValue: t.valueSum / t.customers,
      disparateImpact: top > 0 ? offerRate / top : null,
    };
  });
  const minDisparateImpact = top > 0 ? Math.min(...groups.map((g) => g.disparateImpact as number)) : null;
  return {
    attribute,
    groups,
    minDisparateImpact,
    passesFourFifths: minDisparateImpact === null ? null : minDisparateImpact >= FOUR_FIFTHS,
  };
}

function byNameUnknownLast(a: string, b: string): number {
  if (a === UNKNOWN || b === UNKNOWN) return (a === UNKNOWN ? 1 : 0) - (b === UNKNOWN ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The age band of the age reached in `asOfYear`: only the birth year is known, so a customer born
 * in 2000 counts as 26 for all of 2026. Under 18 (no band exists for minors) and over 120 (a typo,
 * not a customer) are 'unknown'.
 */
export function ageBand(birthYear: number | null, asOfYear: number): string {
  if (birthYear === null || !Number.isFinite(birthYear) || !Number.isFinite(asOfYear)) return UNKNOWN;
  const age = asOfYear - birthYear;
  if (age < 18 || age > 120) return UNKNOWN;
  return AGE_BANDS.find(([oldest]) => age <= oldest)?.[1] ?? '65+';
}

const AGE_BANDS: readonly (readonly [number, string])[] = [
  [24, '18-24'],
  [34, '25-34'],
  [44, '35-44'],
  [54, '45-54'],
  [64, '55-64'],
];

export interface ParityResult {
  choice: Int32Array;
  /** Expected incremental profit of `choice` on the true, un-bonused values. */
  value: number;
  /** unconstrainedValue − value, clamped at 0. */
  costOfParity: number;
  minDisparateImpact: number | null;
  achieved: boolean;
  /** Per group, the bonus added to its options' values when choosing. */
  bonuses: number[];
}

/** Solves are seconds each on a large problem; parity must not cost more than a few dozen. */
const MAX_SOLVES = 40;
/** A bracket this narrow relative to its top is settled. */
const BRACKET_PRECISION = 1e-3;
const RATE_SLACK = 1e-12;

type Candidate = Omit<ParityResult, 'costOfParity'>;

/**
 * Re-solves with the smallest per-group bonus on option values that lifts every group's offer
 * rate to at least minRatio × the highest; reports what parity costs in expected profit.
 *
 * Method: every option of a customer in group g is worth `value + bonus[g]` to the solver. A bonus
 * shifts all of a customer's options alike, so it changes whether the customer is targeted, never
 * which option they get. The first solve has no bonus. After each solve, every under-served group
 * that still has reachable customers (an option within the budget and on a channel and offer with
 * capacity) gets a larger bonus: doubled from the mean positive option value until a bonus that
 * suffices is seen, then bisected between the largest that fell short and the smallest that did
 * not. Once every group reaches the ratio, the bonuses are bisected downwards, as lifting one group
 * also takes budget from the others. The plan kept is the best by true value among those reaching
 * the ratio, else the one closest to it (achieved: false). At most MAX_SOLVES solves; it stops
 * early when the brackets settle or no under-served group can gain. When nobody is targeted every
 * rate is 0 and parity holds trivially (achieved, minDisparateImpact null).
 *
 * @param groupOf per customer, group index in [0, groups), -1 = not subject (e.g. held out).
 * @throws RangeError when groupOf, groups or minRatio are out of range.
 */
export function solveWithParity(
  problem: AllocationProblem,
  groupOf: Int32Array,
  groups: number,
  minRatio: number,
  unconstrainedValue: number,
): ParityResult {
  checkParityInput(problem, groupOf, groups, minRatio);
  const size = new Float64Array(groups);
  const reachable = new Float64Array(groups);
  for (let i = 0; i < problem.customers; i++) {
    const g = groupOf[i] as number;
    if (g < 0) continue;
    size[g] = (size[g] as number) + 1;
    if (hasReachableOption(problem, i)) reachable[g] = (reachable[g] as number) + 1;
  }
  const bonuses = new Float64Array(groups);
  const lo = new Float64Array(groups);
  const hi = new Float64Array(groups).fill(Number.POSITIVE_INFINITY);
  const step = meanPositiveValue(problem);
  const bonused: AllocationProblem = { ...problem, value: new Float64Array(problem.value.length) };
  let best: Candidate | undefined;
  let closest: Candidate | undefined;
  for (let solve = 0; solve < MAX_SOLVES; solve++) {
    applyBonuses(problem, groupOf, bonuses, bonused.value);
    const choice = solveAllocation(bonused).choice;
    const counts = new Float64Array(groups);
    let value = 0;
    choice.forEach((j, i) => {
      if (j === -1) return;
      value += problem.value[j] as number;
      const g = groupOf[i] as number;
      if (g >= 0) counts[g] = (counts[g] as number) + 1;
    });
    const rates = Array.from(counts, (c, g) => ((size[g] as number) > 0 ? c / (size[g] as number) : null));
    const top = Math.max(0, ...rates.map((r) => r ?? 0));
    const short = rates.map((r) => r !== null && r < minRatio * top - RATE_SLACK);
    const candidate: Candidate = {
      choice,
      value,
      achieved: !short.includes(true),
      minDisparateImpact: top > 0 ? Math.min(...rates.map((r) => (r ?? top) / top)) : null,
      bonuses: Array.from(bonuses),
    };
    if (candidate.achieved && (!best || candidate.value > best.value)) best = candidate;
    if (!closest || closer(candidate, closest)) closest = candidate;
    let moved = false;
    for (let g = 0; g < groups; g++) {
      const b = bonuses[g] as number;
      if (candidate.achieved) {
        if (b <= 0) continue;
        hi[g] = b;
        if (b - (lo[g] as number) <= BRACKET_PRECISION * b) continue;
        bonuses[g] = ((lo[g] as number) + b) / 2;
      } else {
        if (!short[g] || (counts[g] as number) >= (reachable[g] as number)) continue;
        lo[g] = b;
        // Lifting other groups can make a bonus that once sufficed fall short: forget that bracket.
        if ((hi[g] as number) - b <= BRACKET_PRECISION * (hi[g] as number)) hi[g] = Number.POSITIVE_INFINITY;
        const h = hi[g] as number;
        bonuses[g] = Number.isFinite(h) ? (b + h) / 2 : b > 0 ? 2 * b : step;
      }
      moved = true;
    }
    if (!moved) break;
  }
  const kept = (best ?? closest) as Candidate;
  return { ...kept, costOfParity: Math.max(0, unconstrainedValue - kept.value) };
}

function closer(a: Candidate, b: Candidate): boolean {
  const da = a.minDisparateImpact ?? 1;
  const db = b.minDisparateImpact ?? 1;
  return da > db || (da === db && a.value > b.value);
}

function checkParityInput(problem: AllocationProblem, groupOf: Int32Array, groups: number, minRatio: number) {
  if (!Number.isInteger(groups) || groups < 0) throw new RangeError(`groups is ${groups}`);
  if (!(minRatio >= 0 && minRatio <= 1)) throw new RangeError(`minRatio is ${minRatio}, not in [0, 1]`);
  if (groupOf.length !== problem.customers) throw new RangeError('groupOf needs one entry per customer');
  const bad = groupOf.findIndex((g) => g < -1 || g >= groups);
  if (bad >= 0) throw new RangeError(`groupOf[${bad}] is ${groupOf[bad]}, not -1 or in [0, ${groups})`);
}

function hasReachableOption(problem: AllocationProblem, i: number): boolean {
  for (let j = problem.optionStart[i] as number; j < (problem.optionStart[i + 1] as number); j++) {
    if ((problem.cost[j] as number) > problem.budget) continue;
    if ((problem.channelCapacity[problem.channel[j] as number] as number) < 1) continue;
    if ((problem.offerCapacity[problem.offer[j] as number] as number) < 1) continue;
    return true;
  }
  return false;
}

function meanPositiveValue(problem: AllocationProblem): number {
  const positive = problem.value.filter((v) => v > 0);
  return positive.length > 0 ? positive.reduce((a, b) => a + b, 0) / positive.length : 1;
}

function applyBonuses(
  problem: AllocationProblem,
  groupOf: Int32Array,
  bonuses: Float64Array,
  out: Float64Array,
) {
  out.set(problem.value);
  for (let i = 0; i < problem.customers; i++) {
    const g = groupOf[i] as number;
    const bonus = g >= 0 ? (bonuses[g] as number) : 0;
    if (bonus === 0) continue;
    for (let j = problem.optionStart[i] as number; j < (problem.optionStart[i + 1] as number); j++) {
      out[j] = (out[j] as number) + bonus;
    }
  }
}
