/**
 * The exact optimum of an allocation problem, from the HiGHS MILP solver (npm `highs`, wasm), so
 * tests can measure the Lagrangian solver's gap on instances far too large for brute force. Test
 * support only: HiGHS is a devDependency and this path is never part of a deployed bundle.
 *
 * The model is the textbook one: a binary x_j per option with a positive value (an optimum never
 * needs the others), at most one x_j per customer, a budget row, one row per finite channel and
 * offer capacity; an Infinity budget or capacity has no row. Exact up to HiGHS's tolerances
 * (MIP feasibility 1e-6; matrix entries at or below 1e-9 read as 0), ample for tests' 1e-6 margins.
 */
import highsLoader from 'highs';
import type { AllocationProblem } from '../../shared/domain/allocation/index';

export interface ExactAllocation {
  /** The MILP optimum, recomputed from `choice` (sum of the chosen options' values). */
  value: number;
  /** HiGHS's own objective value, for a consistency check against `value`. */
  objective: number;
  /** Chosen option index per customer, -1 = none. */
  choice: Int32Array;
}

type Highs = Awaited<ReturnType<typeof highsLoader>>;
let loading: Promise<Highs> | undefined;

/** Numbers in full precision, in a form the LP reader accepts (no "Infinity"). */
function num(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`cannot write ${x} into an LP model`);
  return String(x);
}

/** `+ 3 x0 - 2 x1 ...` with a line break every few terms so no line gets long. */
function linear(terms: readonly [number, number][]): string {
  return terms
    .map(([coef, j], k) => `${k % 8 === 7 ? '\n ' : ''}${coef < 0 ? '-' : '+'} ${num(Math.abs(coef))} x${j}`)
    .join(' ');
}

/**
 * The CPLEX LP text of the problem; column x<k> is option kept[k]. `relaxed` drops integrality
 * (0 <= x <= 1): the LP relaxation, whose optimum the Lagrangian dual's minimum equals.
 */
export function allocationLp(problem: AllocationProblem, relaxed = false): { lp: string; kept: number[] } {
  const { optionStart, value, cost, channel, offer } = problem;
  const kept: number[] = [];
  const rows: string[] = [];
  const channelTerms: [number, number][][] = Array.from(problem.channelCapacity, () => []);
  const offerTerms: [number, number][][] = Array.from(problem.offerCapacity, () => []);
  const budgetTerms: [number, number][] = [];
  for (let i = 0; i < problem.customers; i++) {
    const pick: [number, number][] = [];
    for (let j = optionStart[i] as number; j < (optionStart[i + 1] as number); j++) {
      if ((value[j] as number) <= 0) continue;
      const k = kept.push(j) - 1;
      pick.push([1, k]);
      if ((cost[j] as number) !== 0) budgetTerms.push([cost[j] as number, k]);
      channelTerms[channel[j] as number]?.push([1, k]);
      offerTerms[offer[j] as number]?.push([1, k]);
    }
    if (pick.length > 1) rows.push(`c${i}: ${linear(pick)} <= 1`);
  }
  if (Number.isFinite(problem.budget) && budgetTerms.length > 0) {
    rows.push(`budget: ${linear(budgetTerms)} <= ${num(problem.budget)}`);
  }
  const capacityRows = (name: string, caps: Float64Array, terms: [number, number][][]) => {
    caps.forEach((cap, c) => {
      const t = terms[c] ?? [];
      if (Number.isFinite(cap) && t.length > 0) rows.push(`${name}${c}: ${linear(t)} <= ${num(cap)}`);
    });
  };
  capacityRows('ch', problem.channelCapacity, channelTerms);
  capacityRows('of', problem.offerCapacity, offerTerms);
  const objective = linear(kept.map((j, k) => [value[j] as number, k]));
  // A model with no rows still needs a "Subject To" section for the reader; 0 <= 1 is harmless.
  if (rows.length === 0 && kept.length > 0) rows.push('trivial: x0 <= 1');
  const columns = kept.map((_, k) => `x${k}`);
  const binaries = Array.from({ length: Math.ceil(columns.length / 20) }, (_, b) =>
    columns.slice(b * 20, b * 20 + 20).join(' '),
  );
  const lp = ['Maximize', ` obj: ${objective}`, 'Subject To', ...rows.map((r) => ` ${r}`)];
  const domain = relaxed
    ? ['Bounds', ...columns.map((x) => ` ${x} <= 1`)]
    : ['Binary', ...binaries.map((b) => ` ${b}`)];
  return { lp: [...lp, ...domain, 'End'].join('\n'), kept };
}

/** The optimum of the LP relaxation (0 when no option is worth anything). */
export async function solveRelaxation(problem: AllocationProblem): Promise<number> {
  const { lp, kept } = allocationLp(problem, true);
  if (kept.length === 0) return 0;
  loading ??= highsLoader();
  const highs = await loading;
  const solution = highs.solve(lp, { output_flag: false });
  if (solution.Status !== 'Optimal') throw new Error(`HiGHS ended with status ${solution.Status}`);
  return solution.ObjectiveValue;
}

/** Solves the problem to proven optimality (relative and absolute MIP gaps set to zero). */
export async function solveExactly(problem: AllocationProblem): Promise<ExactAllocation> {
  const choice = new Int32Array(problem.customers).fill(-1);
  const { lp, kept } = allocationLp(problem);
  if (kept.length === 0) return { value: 0, objective: 0, choice };
  loading ??= highsLoader();
  const highs = await loading;
  const solution = highs.solve(lp, { output_flag: false, mip_rel_gap: 0, mip_abs_gap: 0 });
  if (solution.Status !== 'Optimal') throw new Error(`HiGHS ended with status ${solution.Status}`);
  let value = 0;
  let i = 0;
  kept.forEach((j, k) => {
    const column = solution.Columns[`x${k}`];
    if (!column || !('Primal' in column) || column.Primal < 0.5) return;
    while ((problem.optionStart[i + 1] as number) <= j) i++;
    if (choice[i] !== -1) throw new Error(`HiGHS chose two options for customer ${i}`);
    choice[i] = j;
    value += problem.value[j] as number;
  });
  return { value, objective: solution.ObjectiveValue, choice };
}
