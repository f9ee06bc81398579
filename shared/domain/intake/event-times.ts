import { DAY_MILLIS } from '../calendar';
import { dayOfSimpleIsoDate } from '../contracts/cell-fast-paths';
import type { AnyRow } from '../contracts/contract';
import type { DatasetName } from '../contracts/datasets';
import type { CellIssue } from './row-issues';

/** The columns that say when something happened; none of them can be later than the batch. */
const EVENT_TIMES: Partial<Record<DatasetName, readonly string[]>> = {
  customers: ['signup_date'],
  transactions: ['ts'],
  contacts: ['sent_at'],
  responses: ['opened_at', 'clicked_at', 'converted_at'],
};

/**
 * Timestamps without an offset are the partner's wall-clock time, which runs up to 14 hours ahead
 * of UTC (UTC+14); a time that is later than receipt by less than that may be an honest local time.
 */
export const LOCAL_TIME_TOLERANCE_MILLIS = 14 * 3_600_000;

/** The earliest event the lake keeps: its month partitions start in January 1970. */
export const EARLIEST_EVENT_MILLIS = 0;

function millisOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const day = dayOfSimpleIsoDate(value);
  return Number.isNaN(day) ? undefined : day * DAY_MILLIS;
}

/** The event-time columns of a dataset, for the contract documentation. */
export function eventTimesOf(dataset: DatasetName): readonly string[] {
  return EVENT_TIMES[dataset] ?? [];
}

/**
 * Refuses events dated after the batch was received (beyond the local-time tolerance) or before
 * 1970: a sale in the future is a clock or format error, and would leak the future into features.
 */
export class EventTimeRule {
  private readonly latest: number;

  constructor(receivedAtMillis: number) {
    this.latest = receivedAtMillis + LOCAL_TIME_TOLERANCE_MILLIS;
  }

  check(dataset: DatasetName, row: AnyRow, issues: CellIssue[]): void {
    const columns = EVENT_TIMES[dataset];
    if (!columns) return;
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i] as string;
      const millis = millisOf(row[column]);
      if (millis === undefined) continue;
      if (millis > this.latest) {
        issues.push({
          column,
          value: String(row[column]),
          rule: 'future_timestamp',
          message: `${column} is after the batch was received (${new Date(this.latest - LOCAL_TIME_TOLERANCE_MILLIS).toISOString()}); check the clock or the date format`,
        });
      } else if (millis < EARLIEST_EVENT_MILLIS) {
        issues.push({
          column,
          value: String(row[column]),
          rule: 'before_1970',
          message: `${column} is before 1970; check the date format`,
        });
      }
    }
  }
}
