import { ClvError } from './errors';

/** The Gauss series did not settle within its term budget (z too close to 1 for the arguments). */
export class HypergeometricConvergenceError extends ClvError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HypergeometricConvergenceError';
  }
}

const MAX_TERMS = 1_000_000;
const RELATIVE_TOLERANCE = 1e-15;
// Partial sums are rescaled past this so large counts (2F1 grows like (1 - z)^-(a+b-c) and faster)
// cannot overflow; the scale is carried as a logarithm.
const RESCALE_ABOVE = 1e250;
const LOG_RESCALE = Math.log(RESCALE_ABOVE);

/**
 * ln 2F1(a, b; c; z), the Gaussian hypergeometric function, by its power series, for a, b, c > 0
 * and 0 <= z < 1: there every term is positive, so the logarithm is defined and the sum needs no
 * cancellation. The BG/NBD expectations only ever ask for this region.
 *
 * The series is summed until the remaining tail, bounded by a geometric series at the current
 * term ratio, is below 1e-15 of the sum.
 *
 * @throws HypergeometricConvergenceError when it has not converged after 1,000,000 terms.
 * @example Math.exp(logHypergeometric2F1(1, 1, 2, 0.5)) // -Math.log(0.5) / 0.5
 */
export function logHypergeometric2F1(a: number, b: number, c: number, z: number): number {
  if (!(a > 0 && b > 0 && c > 0) || !(z >= 0 && z < 1)) {
    throw new ClvError(`2F1(${a}, ${b}; ${c}; ${z}) is outside a, b, c > 0 and 0 <= z < 1`);
  }
  let term = 1;
  let sum = 1;
  let logScale = 0;
  for (let n = 0; n < MAX_TERMS; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    if (sum > RESCALE_ABOVE) {
      sum /= RESCALE_ABOVE;
      term /= RESCALE_ABOVE;
      logScale += LOG_RESCALE;
    }
    // The term ratio tends to z; past its turning point the tail is at most a geometric series at
    // the larger of the two, which is the stopping test.
    const bound = Math.max(ratio, z);
    if (ratio < 1 && (term * bound) / (1 - bound) <= RELATIVE_TOLERANCE * sum) {
      return logScale + Math.log(sum);
    }
  }
  throw new HypergeometricConvergenceError(
    `2F1(${a}, ${b}; ${c}; ${z}) did not converge in ${MAX_TERMS} terms`,
  );
}
