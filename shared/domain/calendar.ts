/**
 * Calendar arithmetic on UTC day numbers (days since 1970-01-01). Intake parses and the profiler
 * converts every date and timestamp of a batch, so this is plain integer arithmetic (Hinnant's
 * civil-day algorithms) rather than a `Date` per value; it also reads years 0-99 literally, unlike
 * Date.UTC.
 */

export const DAY_MILLIS = 86_400_000;

export interface CivilDate {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  /** 1-31 */
  readonly day: number;
}

export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const marchBased = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * marchBased + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export function civilFromDays(days: number): CivilDate {
  const z = Math.floor(days) + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const marchBased = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * marchBased + 2) / 5) + 1;
  const month = marchBased < 10 ? marchBased + 3 : marchBased - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day number of a `YYYY-MM-DD` string, or NaN when it is not shaped like one. */
export function dayOfIsoDate(text: string): number {
  const m = ISO_DATE.exec(text);
  if (!m) return Number.NaN;
  return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Whether year-month-day names a day that exists (no 2025-02-30, no month 13). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** `YYYY-MM` of a timestamp in epoch millis, read as UTC (lake timestamps carry no zone). */
export function monthOfMillis(millis: number): string {
  const { year, month } = civilFromDays(Math.floor(millis / DAY_MILLIS));
  return `${pad(year, 4)}-${pad(month, 2)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

export function isoDateOfDay(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/**
 * A lake timestamp as text. Lake timestamps carry no zone (Athena `timestamp`), so the text has
 * no `Z` either: it is the wall-clock time the partner sent.
 */
export function isoTimestampOfMillis(millis: number): string {
  const days = Math.floor(millis / DAY_MILLIS);
  const inDay = millis - days * DAY_MILLIS;
  const seconds = Math.floor(inDay / 1000);
  const time = `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
  const ms = inDay % 1000;
  return `${isoDateOfDay(days)}T${time}${ms === 0 ? '' : `.${pad(ms, 3)}`}`;
}

/** Months counted from year 0, so consecutive months are consecutive integers. */
export function monthIndex(year: number, month: number): number {
  return year * 12 + (month - 1);
}

export function monthIndexOfDay(days: number): number {
  const { year, month } = civilFromDays(days);
  return monthIndex(year, month);
}

/** `YYYY-MM` of a month index. */
export function monthLabel(index: number): string {
  const year = Math.floor(index / 12);
  return `${pad(year, 4)}-${pad(index - year * 12 + 1, 2)}`;
}
