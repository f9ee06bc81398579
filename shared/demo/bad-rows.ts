import type { DatasetName } from '../domain/contracts/datasets';
import { formatDay, yearOf } from './calendar';
import { Random } from './random';
import type { Basket } from './transactions';
import { BRANCHES, customerId, type Frame, REGIONS } from './world';

/**
 * The invalid rows a demo batch plants so validation has something to catch: 5 transaction lines with
 * a negative unit price, 3 with an impossible timestamp, and 2 customers whose e-mail consent is
 * "maybe". Each is an extra row, valid in every other cell, so dropping it breaks no reference: the bad
 * lines are one-line receipts of their own, and the bad customers signed up after the last past
 * campaign and never bought.
 */

export type BadLineRule = 'minimum' | 'iso_timestamp';

export interface PlantedBadRow {
  readonly dataset: DatasetName;
  /** 1-based line in the file; the header is line 1. */
  readonly line: number;
  readonly column: string;
  readonly rule: string;
}

/** A bad line to plant right after `basket`, copying its first product. */
export interface BadLine {
  readonly basket: Basket;
  readonly rule: BadLineRule;
}

export interface BadRowPlan {
  /** Customer indices after whose row a bad customer row is written. */
  readonly customerSlots: readonly number[];
  /** Bad transaction lines, planted at the first customer from `from` on who has a receipt to copy. */
  readonly lineSlots: readonly { readonly from: number; readonly rule: BadLineRule }[];
}

export const BAD_CUSTOMER_RULE = { column: 'consent_email', rule: 'boolean', value: 'maybe' } as const;
export const BAD_LINE_COLUMN: Record<BadLineRule, string> = { minimum: 'unit_price', iso_timestamp: 'ts' };

/** Where the bad rows go; spread over the file so a validator cannot get away with checking its ends. */
export function planBadRows(seed: number, customers: number): BadRowPlan {
  const rng = Random.stream(seed, 'bad-rows');
  const rules = rng.shuffle<BadLineRule>([
    'minimum',
    'minimum',
    'minimum',
    'minimum',
    'minimum',
    'iso_timestamp',
    'iso_timestamp',
    'iso_timestamp',
  ]);
  const segment = customers / rules.length;
  const lineSlots = rules.map((rule, s) => ({
    from: Math.floor(s * segment) + rng.int(0, Math.max(0, Math.floor(segment) - 1)),
    rule,
  }));
  const last = customers - 1;
  return {
    customerSlots: [
      Math.min(last, Math.floor(customers / 3)),
      Math.min(last, Math.floor((2 * customers) / 3)),
    ],
    lineSlots,
  };
}

/** A timestamp with month 13 and day 45: well-formed, but not a date. */
export function impossibleTimestamp(frame: Frame): string {
  return `${yearOf(frame.asOfDay)}-13-45T10:00:00`;
}

/** The k-th bad customer row (cells in contract order); its id follows the last real customer's. */
export function badCustomerRow(seed: number, customers: number, k: number, frame: Frame): string[] {
  const rng = Random.stream(seed, 'bad-customer', k);
  const region = rng.int(0, REGIONS.length - 1);
  return [
    customerId(customers + k),
    formatDay(frame.endDay - rng.int(0, 9)),
    REGIONS[region] ?? 'central',
    BRANCHES[region * 4 + rng.int(0, 3)]?.id ?? '',
    String(yearOf(frame.asOfDay) - rng.int(20, 70)),
    rng.pick(['f', 'm']),
    BAD_CUSTOMER_RULE.value,
    'false',
    'true',
    '',
    'false',
    '', // attributes
  ];
}
