// Lanczos coefficients for g = 7, n = 9: about 15 significant digits over the positive reals,
// which the likelihoods need because they difference log-gammas of close arguments.
const LANCZOS_G = 7;
const LANCZOS: readonly number[] = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The natural logarithm of the gamma function for x > 0 (NaN otherwise), so likelihoods with
 * counts in the hundreds never overflow the way Γ itself would.
 *
 * @example logGamma(5) // Math.log(24)
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  // The series loses accuracy below 1/2; the reflection formula moves the argument above it.
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let series = LANCZOS[0] ?? 1;
  for (let i = 1; i < LANCZOS.length; i++) series += (LANCZOS[i] ?? 0) / (shifted + i);
  const t = shifted + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (shifted + 0.5) * Math.log(t) - t + Math.log(series);
}
