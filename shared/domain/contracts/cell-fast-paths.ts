/**
 * Hand-written readers for the shapes cells almost always have (`2026-03-01T14:30:00`, `12.50`,
 * `3`), so that the bulk path parses them with a few character comparisons instead of a regular
 * expression and its match array. Each one either gives exactly what the general parse in
 * column.ts would give, or `undefined` to say "not my shape, ask the general parse": a fast path
 * never decides a cell on its own that the general parse would decide differently (tested on
 * generated cells, good and bad, in test/unit/contracts/cell-fast-paths.test.ts).
 */

import { dayOfIsoDate, daysFromCivil } from '../calendar';

const ZERO = 48;
const NINE = 57;
const DASH = 45;
const PLUS = 43;
const DOT = 46;
const COLON = 58;
const T = 84;
const SPACE = 32;
const Z = 90;

/** The value of `count` ASCII digits from `at`, or -1 if one of them is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i) - ZERO;
    if (!(c >= 0 && c <= 9)) return -1;
    value = value * 10 + c;
  }
  return value;
}

/** `YYYY-MM-DD` as [year, month, day] written to `out`; false when the text is not exactly that shape. */
function dateShape(text: string, out: Int32Array): boolean {
  if (text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return false;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 0 || day < 0) return false;
  out[0] = year;
  out[1] = month;
  out[2] = day;
  return true;
}

const ymd = new Int32Array(3);

/**
 * A date cell shaped exactly `YYYY-MM-DD`: its year, month and day through `civil` (the general
 * parse's own arithmetic), else undefined.
 */
export function simpleDate(
  text: string,
  civil: (year: number, month: number, day: number) => number,
): number | undefined {
  if (text.length !== 10 || !dateShape(text, ymd)) return undefined;
  return civil(ymd[0] as number, ymd[1] as number, ymd[2] as number);
}

/** dayOfIsoDate (calendar.ts), the usual shape read by hand: the same day number, or NaN. */
export function dayOfSimpleIsoDate(text: string): number {
  return simpleDate(text, daysFromCivil) ?? dayOfIsoDate(text);
}

/**
 * A timestamp cell shaped `YYYY-MM-DDTHH:MM[:SS]` (or with a space for the T), optionally ending
 * in `Z`: epoch millis as the general parse computes them (NaN for a day or time that does not
 * exist), else undefined. Fractions and offsets go to the general parse.
 */
export function simpleTimestamp(
  text: string,
  civil: (year: number, month: number, day: number) => number,
): number | undefined {
  let length = text.length;
  if (length === 17 || length === 20) {
    if (text.charCodeAt(length - 1) !== Z) return undefined;
    length -= 1;
  }
  if (length !== 16 && length !== 19) return undefined;
  const sep = text.charCodeAt(10);
  if ((sep !== T && sep !== SPACE) || text.charCodeAt(13) !== COLON || !dateShape(text, ymd))
    return undefined;
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  let second = 0;
  if (length === 19) {
    if (text.charCodeAt(16) !== COLON) return undefined;
    second = digits(text, 17, 2);
  }
  if (hour < 0 || minute < 0 || second < 0) return undefined;
  const dateMillis = civil(ymd[0] as number, ymd[1] as number, ymd[2] as number);
  if (Number.isNaN(dateMillis) || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return dateMillis + ((hour * 60 + minute) * 60 + second) * 1000;
}

/** An integer cell of at most 9 digits after an optional sign: its value, else undefined. */
export function simpleInteger(text: string): number | undefined {
  const length = text.length;
  const first = text.charCodeAt(0);
  const signed = first === DASH || first === PLUS;
  const start = signed ? 1 : 0;
  if (length - start < 1 || length - start > 9) return undefined;
  const value = digits(text, start, length - start);
  if (value < 0) return undefined;
  return first === DASH ? -value : value;
}

/** Powers of ten up to 10^15, all exact doubles. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, i) => 10 ** i);

/**
 * A decimal cell of at most 15 digits with at most one dot and no exponent (`12.50`, `-3`, `.5`,
 * `7.`): its value, else undefined. With fewer than 16 digits both the digits as an integer and
 * the power of ten are exact doubles, so their quotient is the correctly rounded value of the
 * decimal, which is what Number() gives.
 */
export function simpleDecimal(text: string): number | undefined {
  const length = text.length;
  const first = text.charCodeAt(0);
  const start = first === DASH || first === PLUS ? 1 : 0;
  let mantissa = 0;
  let count = 0;
  let dot = -1;
  for (let i = start; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      count += 1;
    } else if (c === DOT && dot === -1) {
      dot = i;
    } else {
      return undefined;
    }
  }
  if (count === 0 || count > 15) return undefined;
  const value = dot === -1 ? mantissa : mantissa / (POWERS_OF_TEN[length - 1 - dot] as number);
  return first === DASH ? -value : value;
}

/** Whether the text holds a control character (U+0000-U+001F or U+007F). */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || c === 127) return true;
  }
  return false;
}

/**
 * The text without leading and trailing white space, as String.prototype.trim gives it, without
 * the call when the ends are plainly not white space (JavaScript's white space and line breaks
 * are all at or below U+0020 or at or above U+00A0).
 */
export function trimmed(text: string): string {
  const length = text.length;
  if (length === 0) return text;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(length - 1);
  return first > 32 && first < 160 && last > 32 && last < 160 ? text : text.trim();
}
