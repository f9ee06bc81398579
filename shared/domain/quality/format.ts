import { DAY_MILLIS, isoDateOfDay, isoTimestampOfMillis } from '../calendar';
import type { StorageType } from '../contracts/column';

/** A number for people: whole numbers with separators, others to 4 significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return String(Number(value.toPrecision(4)));
}

/** A PSI to the precision its thresholds (0.1, 0.25) need. */
export function formatPsi(psi: number): string {
  if (psi < 0.001) return '< 0.001';
  return psi < 10 ? psi.toFixed(3) : psi.toFixed(1);
}

/** A count with its noun: "1 row", "2,000 rows". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** A share as a percentage: one decimal, more when it would otherwise read as 0 %. */
export function formatPercent(share: number): string {
  const percent = share * 100;
  if (percent !== 0 && Math.abs(percent) < 0.1) return `${Number(percent.toPrecision(2))} %`;
  return `${Number(percent.toFixed(1))} %`;
}

/** A value of a numeric summary in the column's own terms: temporal ones are epoch days. */
export function formatValue(value: number, storage: StorageType): string {
  if (storage === 'date') return isoDateOfDay(Math.floor(value));
  if (storage === 'timestamp')
    return isoTimestampOfMillis(Math.round((value * DAY_MILLIS) / 60_000) * 60_000).slice(0, 16);
  return formatNumber(value);
}
