/**
 * Calendar arithmetic on whole days since 1970-01-01 (UTC). Timestamps are written without a zone
 * (shop-local wall-clock time), so UTC arithmetic is the same as local arithmetic and no daylight
 * saving gaps exist.
 */

const DAY_MS = 86_400_000;
export const SECONDS_PER_DAY = 86_400;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a `YYYY-MM-DD` date; throws on anything that is not a real calendar date. */
export function dayOf(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${date}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const millis = Date.UTC(y, mo - 1, d);
  const back = new Date(millis);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new Error(`not a calendar date: ${date}`);
  }
  return millis / DAY_MS;
}

/** The same day of the month `months` months earlier (clamped to the month's last day). */
export function monthsBefore(day: number, months: number): number {
  const date = new Date(day * DAY_MS);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() - months;
  const lastOfTarget = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(date.getUTCDate(), lastOfTarget)) / DAY_MS;
}

/** `YYYY-MM-DD` of a day number. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** 1 … 12 */
export function monthOf(day: number): number {
  return new Date(day * DAY_MS).getUTCMonth() + 1;
}

/** 1 … 31 */
export function dayOfMonth(day: number): number {
  return new Date(day * DAY_MS).getUTCDate();
}

/** Year number. */
export function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/**
 * Formats timestamps (seconds since 1970-01-01) as `YYYY-MM-DDTHH:MM:SS`. Hundreds of thousands
 * of lines are written, so date strings are cached per day instead of going through `Date`.
 */
export class TimestampFormatter {
  private readonly days = new Map<number, string>();

  format(seconds: number): string {
    const day = Math.floor(seconds / SECONDS_PER_DAY);
    let date = this.days.get(day);
    if (date === undefined) {
      date = formatDay(day);
      this.days.set(day, date);
    }
    const rest = seconds - day * SECONDS_PER_DAY;
    const h = Math.floor(rest / 3600);
    const m = Math.floor((rest % 3600) / 60);
    const s = rest % 60;
    return `${date}T${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[s]}`;
  }
}
