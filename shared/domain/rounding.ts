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

/** Digits after the point up to which `formatFixed` writes the text itself. */
const MAX_TEXT_DIGITS = 6;

/**
 * Exactly `String(roundFixed(x, digits))`, i.e. `String(Number(x.toFixed(digits)))`, written from
 * the rounded integer instead of by the shortest-double algorithm, which costs about ten times as
 * much. The integer n over 10^digits, trailing zeros dropped, is that shortest text: it has at most
 * ten significant digits, and no two decimals of fifteen or fewer round to the same double. Up to
 * six digits after the point it is never written with an exponent (JavaScript switches below
 * 1e-6). Other cases go through toFixed and String.
 */
export function formatFixed(x: number, digits: number): string {
  const scale = SCALES[digits];
  const y = Math.abs(x) * (scale ?? Number.NaN);
  if (!(y < FAST_LIMIT) || digits > MAX_TEXT_DIGITS) return String(Number(x.toFixed(digits)));
  const n = Math.round(y);
  if (Math.abs(Math.abs(y - n) - 0.5) < TIE_MARGIN) return String(Number(x.toFixed(digits)));
  if (n === 0) return '0';
  let text = String(n);
  if (digits > 0) {
    if (text.length <= digits) text = '0'.repeat(digits + 1 - text.length) + text;
    const point = text.length - digits;
    let end = text.length;
    while (end > point && text.charCodeAt(end - 1) === ZERO) end -= 1;
    text = end === point ? text.slice(0, point) : `${text.slice(0, point)}.${text.slice(point, end)}`;
  }
  return x < 0 ? `-${text}` : text;
}

const ZERO = 48;

/** A metric as JSON keeps it: NaN and infinities (undefined metrics) become null. */
export const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null);
