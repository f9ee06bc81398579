/**
 * Unconstrained minimisation for the maximum-likelihood fits: BFGS with a backtracking line search
 * from numeric.js (Sébastien Loisel, MIT; `numeric.uncmin`, pinned at 1.2.6).
 *
 * Why numeric: the likelihoods are smooth in 3–4 unconstrained log-parameters, where a quasi-Newton
 * method converges in tens of steps to the precision the reference figures are quoted at. It has no
 * runtime dependencies and, though its last release is from 2012, its optimizer has not needed one;
 * it is still fetched about 270,000 times a month. The suggested fmin (Nelder–Mead) was tried
 * first and rejected: its current release, 0.0.4, throws `ReferenceError: i is not defined` on
 * every simplex shrink (benfred/fmin#20 and #23, fixes #18 and #21 unmerged) and, being a UMD
 * bundle in a `"type": "module"` package, exposes no ES exports; 0.0.2 works but ships rollup, tape
 * and uglify-js as runtime dependencies. ml-levenberg-marquardt minimises sums of squares, not a
 * likelihood.
 */
import numeric from 'numeric';
import { FitFailedError } from './errors';

export interface MinimizeOptions {
  /** Stop when the quasi-Newton step is shorter than this. @default 1e-9 */
  readonly tolerance?: number;
  /** Steps, line-search halvings included. @default 2000 */
  readonly maxIterations?: number;
}

export interface Minimum {
  readonly x: readonly number[];
  readonly value: number;
  readonly iterations: number;
  /** Why BFGS stopped, in numeric's words. */
  readonly stoppedBecause: string;
}

// Central differences with this step are accurate to ~1e-10 on log-parameters, far below the
// precision the fits are judged at; numeric's own adaptive gradient throws where steps hit NaN.
const GRADIENT_STEP = 1e-5;

/**
 * The minimum of a smooth `f` from `x0`. Non-finite values count as +Infinity, so the line search
 * steps back from where a likelihood breaks.
 *
 * @throws FitFailedError when f is not finite at x0 or at the answer, or the step budget runs out.
 * @example minimize(([x = 0, y = 0]) => (x - 1) ** 2 + (y + 2) ** 2, [0, 0]).x // ≈ [1, -2]
 */
export function minimize(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: MinimizeOptions = {},
): Minimum {
  const { tolerance = 1e-9, maxIterations = 2000 } = options;
  const guarded = (x: number[]): number => {
    const value = f(x);
    return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
  };
  if (!Number.isFinite(guarded([...x0]))) {
    throw new FitFailedError(`the objective is not finite at the starting point ${x0.join(', ')}`);
  }
  const gradient = (x: number[]): number[] =>
    x.map((_, i) => {
      const up = [...x];
      const down = [...x];
      up[i] = (up[i] ?? 0) + GRADIENT_STEP;
      down[i] = (down[i] ?? 0) - GRADIENT_STEP;
      return (guarded(up) - guarded(down)) / (2 * GRADIENT_STEP);
    });
  const result = numeric.uncmin(guarded, [...x0], tolerance, gradient, maxIterations);
  if (!Number.isFinite(result.f) || result.message.startsWith('maxit')) {
    throw new FitFailedError(
      `the optimizer stopped without a finite minimum (${result.message || 'no message'}, f = ${result.f})`,
    );
  }
  return {
    x: result.solution,
    value: result.f,
    iterations: result.iterations,
    stoppedBecause: result.message,
  };
}
