/** Powers of ten for which `roundFixed` takes its fast path. */
const SCALES = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
/** Below this, x × scale is within 2.4e-7 of its exact value (half an ulp of 2^31). */
const FAST_LIMIT = 2 ** 31;
/** How near a tie (…5 in the first dropped digit) a scaled value must be for toFixed to decide. */
const TIE_MARGIN = 1e-6;

/**
 * Exactly `Number(x.toFixed(digits))`, without formatting and parsing a string for most values.
 *
 * toFixed picks the integer n nearest to x × 10^digits (the larger on a tie), and Number() then
 * gives the double nearest to n / 10^digits. Here y = x × 10^digits is computed in floating point,
 * off by less than TIE_MARGIN while |y| < 2^31, so Math.round(y) is that same n unless y lies
 * within TIE_MARGIN of a tie; and n / 10^digits, a division of two exact doubles, is correctly
 * rounded, the same double Number() parses. Near a tie, for large or non-finite values and for
 * other digit counts, toFixed itself decides. Sign as toFixed: -x rounds to -(x rounded), -0.0000001
 * to -0.
 */
export function roundFixed(x: number, digits: number): number {
  const scale = SCALES[digits];
  const y = Math.abs(x) * (scale ?? Number.NaN);
  if (!(y < FAST_LIMIT)) return Number(x.toFixed(digits));
  const n = Math.round(y);
  if (Math.abs(Math.abs(y - n) - 0.5) < TIE_MARGIN) return Number(x.toFixed(digits));
  const rounded = n / (scale as number);
  return x < 0 ? -rounded : rounded;
}
