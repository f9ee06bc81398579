/**
 * Readers for the CDNOW files (Fader & Hardie's 1/10 sample): text in, records out, so tests and
 * the scorecard parse them the same way and the domain still does no I/O.
 */
import { daysFromCivil } from '../calendar';
import { InvalidHistoryError } from './errors';
import type { PurchaseEvent } from './rfm-summary';

/** The first day of the CDNOW cohort, 1997-01-01, where the 39-week calibration period starts. */
export const CDNOW_START_DAY = daysFromCivil(1997, 1, 1);

/**
 * `CDNOW_sample.txt`: whitespace-separated master id, sample id, YYYYMMDD, CDs, dollars. The sample
 * id (1..2357, leading zeros dropped) is the customer id, because the summary file is keyed by it.
 *
 * @throws InvalidHistoryError naming the line when a row is not five fields of that shape.
 */
export function parseCdnowSample(text: string): PurchaseEvent[] {
  const events: PurchaseEvent[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const fields = line.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') continue;
    const [, sampleId, date, , dollars] = fields;
    const day = date === undefined ? Number.NaN : dayOfCompactDate(date);
    const value = Number(dollars);
    if (fields.length !== 5 || !/^\d+$/.test(sampleId ?? '') || Number.isNaN(day) || !(value >= 0)) {
      throw new InvalidHistoryError(
        `CDNOW sample line ${index + 1} is not id, sample id, date, CDs, dollars`,
      );
    }
    events.push({ customerId: String(Number(sampleId)), day, value });
  }
  return events;
}

function dayOfCompactDate(text: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!match) return Number.NaN;
  return daysFromCivil(Number(match[1]), Number(match[2]), Number(match[3]));
}

export interface CdnowSummaryRow {
  readonly customerId: string;
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
}

/**
 * `cdnow_customers_summary.csv` (as shipped with `lifetimes`): ID, frequency, recency, T, in weeks
 * rounded to two decimals.
 *
 * @throws InvalidHistoryError on a header other than `ID,frequency,recency,T` or a non-numeric row.
 */
export function parseCdnowSummary(text: string): CdnowSummaryRow[] {
  const [header, ...lines] = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (header?.trim() !== 'ID,frequency,recency,T') {
    throw new InvalidHistoryError(`the CDNOW summary header is ${header}, not ID,frequency,recency,T`);
  }
  return lines.map((line, index) => {
    const [customerId = '', ...numbers] = line.split(',');
    const [frequency, recency, T] = numbers.map(Number);
    if (numbers.length !== 3 || frequency === undefined || recency === undefined || T === undefined) {
      throw new InvalidHistoryError(`CDNOW summary line ${index + 2} is not ID,frequency,recency,T`);
    }
    if (![frequency, recency, T].every(Number.isFinite)) {
      throw new InvalidHistoryError(`CDNOW summary line ${index + 2} has a non-numeric field`);
    }
    return { customerId, frequency, recency, T };
  });
}
