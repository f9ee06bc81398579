/**
 * The fixed evaluation protocol for churn and customer value on UCI Online Retail (Chen, Sain & Guo,
 * 2012): parse the export, clean it, compute point-in-time customer features at a cut-off, and label
 * what happened after it. Pure functions over parsed rows; reading and gunzipping the file is the
 * caller's job.
 */
import { parse } from 'csv-parse/sync';
import { daysFromCivil } from '../calendar';
import { ModelEvalError } from './errors';

/** One invoice line as exported. */
export interface RetailLine {
  readonly invoiceNo: string;
  readonly stockCode: string;
  readonly quantity: number;
  /** Minutes since 1970-01-01 00:00 (the export's local clock read as UTC; only differences matter). */
  readonly minute: number;
  /** GBP per unit. */
  readonly unitPrice: number;
  /** Empty when the line has no customer. */
  readonly customerId: string;
  readonly country: string;
}

const MINUTES_PER_DAY = 1440;
const HEADER = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
] as const;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::\d{2})?$/;

/** Minutes since the epoch of an export timestamp `YYYY-MM-DD HH:MM[:SS]`, or undefined when malformed. */
export function parseRetailMinute(text: string): number | undefined {
  const m = TIMESTAMP.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  return daysFromCivil(y, mo, d) * MINUTES_PER_DAY + h * 60 + mi;
}

/**
 * Parses the CSV export. CustomerID is written as a float (`17850.0`); it becomes `17850`, so ids from
 * this file match ids typed elsewhere. Throws `ModelEvalError` naming the line on a wrong header or a
 * non-numeric quantity, price or timestamp: a silently dropped line would move every figure downstream.
 */
export function parseOnlineRetail(text: string): RetailLine[] {
  const records = parse(text, {
    columns: false,
    skip_empty_lines: true,
    relax_column_count: false,
  }) as string[][];
  const header = records[0];
  if (header === undefined || HEADER.some((name, i) => header[i]?.trim() !== name)) {
    throw new ModelEvalError(
      `online retail: expected the header ${HEADER.join(',')}, got ${header?.join(',')}`,
    );
  }
  const lines: RetailLine[] = new Array(records.length - 1);
  for (let r = 1; r < records.length; r++) {
    const row = records[r] as string[];
    const quantity = Number(row[3]);
    const minute = parseRetailMinute(row[4] ?? '');
    const unitPrice = Number(row[5]);
    if (!Number.isFinite(quantity) || !Number.isFinite(unitPrice) || minute === undefined) {
      throw new ModelEvalError(
        `online retail line ${r + 1}: Quantity '${row[3]}', InvoiceDate '${row[4]}' or UnitPrice '${row[5]}' is not readable`,
      );
    }
    const rawId = (row[6] ?? '').trim();
    lines[r - 1] = {
      invoiceNo: row[0] ?? '',
      stockCode: row[1] ?? '',
      quantity,
      minute,
      unitPrice,
      customerId: rawId.endsWith('.0') ? rawId.slice(0, -2) : rawId,
      country: row[7] ?? '',
    };
  }
  return lines;
}

/**
 * A purchase by a known customer: not a cancellation (InvoiceNo prefix C), a positive quantity. The
 * data README's canonical count (397,924 lines, 4,339 customers) is of these lines.
 */
export function isCustomerPurchase(line: RetailLine): boolean {
  return line.customerId !== '' && !line.invoiceNo.startsWith('C') && line.quantity > 0;
}

/**
 * The protocol's cleaning: customer purchases at a positive price. Free lines (40 of them, one
 * customer's only lines) say nothing about spend, so this keeps 397,884 lines and 4,338 customers.
 */
export function cleanRetailLines(lines: readonly RetailLine[]): RetailLine[] {
  return lines.filter((l) => isCustomerPurchase(l) && l.unitPrice > 0);
}

/** The protocol's dates, in minutes since the epoch. */
export const CHURN_CUTOFF = daysFromCivil(2011, 9, 10) * MINUTES_PER_DAY;
export const VALUE_CUTOFF = daysFromCivil(2011, 6, 12) * MINUTES_PER_DAY;
/** End of both label windows, excluded: the export's last day is 2011-12-09. */
export const LABEL_END = daysFromCivil(2011, 12, 10) * MINUTES_PER_DAY;

/** Customer features at a cut-off: row-major, one row per customer, in `customerIds` order. */
export interface CustomerFeatures {
  readonly customerIds: string[];
  readonly featureNames: readonly string[];
  readonly features: Float32Array;
}

const WINDOWS = [30, 90, 180, 365] as const;

/** The feature columns, in order. Amounts are GBP, durations days. */
export const FEATURE_NAMES: readonly string[] = [
  'recency_days',
  'tenure_days',
  'frequency',
  'monetary',
  ...WINDOWS.flatMap((w) => [`frequency_${w}d`, `monetary_${w}d`]),
  'purchase_days',
  'interpurchase_mean_days',
  'interpurchase_sd_days',
  'recency_over_interpurchase',
  'trend_monetary_90d',
  'trend_frequency_90d',
  'basket_value_mean',
  'basket_items_mean',
  'basket_lines_mean',
  'basket_value_max',
  'unit_price_mean',
  'distinct_products',
  'active_months',
  'country_uk',
];

interface InvoiceSummary {
  minute: number;
  value: number;
  items: number;
  lines: number;
}

interface History {
  invoices: Map<string, InvoiceSummary>;
  products: Set<string>;
  uk: boolean;
  priceSum: number;
  lineCount: number;
}

/**
 * RFM-style and behavioural features of every customer with a cleaned line strictly before `cutoff`,
 * computed from those lines only (point in time: nothing at or after the cut-off moves a feature).
 * Customers are ordered by id so that a feature matrix and its labels line up for any caller.
 *
 * Single-purchase customers have no inter-purchase gap; they get their tenure as the mean (the gap
 * observed so far, a lower bound) and 0 spread, so "overdue" (recency / mean gap) is 1 for them.
 */
export function customerFeatures(lines: readonly RetailLine[], cutoff: number): CustomerFeatures {
  const histories = new Map<string, History>();
  for (const line of lines) {
    if (line.minute >= cutoff) continue;
    let history = histories.get(line.customerId);
    if (history === undefined) {
      history = { invoices: new Map(), products: new Set(), uk: false, priceSum: 0, lineCount: 0 };
      histories.set(line.customerId, history);
    }
    let invoice = history.invoices.get(line.invoiceNo);
    if (invoice === undefined) {
      invoice = { minute: line.minute, value: 0, items: 0, lines: 0 };
      history.invoices.set(line.invoiceNo, invoice);
    }
    invoice.minute = Math.min(invoice.minute, line.minute);
    invoice.value += line.quantity * line.unitPrice;
    invoice.items += line.quantity;
    invoice.lines += 1;
    history.products.add(line.stockCode);
    history.priceSum += line.unitPrice;
    history.lineCount += 1;
    // A customer is UK when any of their lines is: a handful of ids carry two countries.
    if (line.country === 'United Kingdom') history.uk = true;
  }

  const customerIds = [...histories.keys()].sort();
  const width = FEATURE_NAMES.length;
  const features = new Float32Array(customerIds.length * width);
  customerIds.forEach((id, row) => {
    const values = featureRow(histories.get(id) as History, cutoff);
    features.set(values, row * width);
  });
  return { customerIds, featureNames: FEATURE_NAMES, features };
}

function featureRow(history: History, cutoff: number): number[] {
  const invoices = [...history.invoices.values()].sort((a, b) => a.minute - b.minute);
  const ageDays = (inv: InvoiceSummary) => (cutoff - inv.minute) / MINUTES_PER_DAY;
  const first = invoices[0] as InvoiceSummary;
  const last = invoices[invoices.length - 1] as InvoiceSummary;
  const recency = ageDays(last);
  const tenure = ageDays(first);

  let monetary = 0;
  let items = 0;
  let lines = 0;
  let maxValue = 0;
  const windowed = WINDOWS.map(() => ({ frequency: 0, monetary: 0 }));
  // The 90 days before the last 90: the base of the trend.
  let previousFrequency = 0;
  let previousMonetary = 0;
  for (const inv of invoices) {
    monetary += inv.value;
    items += inv.items;
    lines += inv.lines;
    maxValue = Math.max(maxValue, inv.value);
    const age = ageDays(inv);
    WINDOWS.forEach((w, i) => {
      if (age < w) {
        const slot = windowed[i] as { frequency: number; monetary: number };
        slot.frequency += 1;
        slot.monetary += inv.value;
      }
    });
    if (age >= 90 && age < 180) {
      previousFrequency += 1;
      previousMonetary += inv.value;
    }
  }

  // Gaps between distinct purchase days: two invoices on one day are one shopping occasion.
  const days = [...new Set(invoices.map((inv) => Math.floor(inv.minute / MINUTES_PER_DAY)))];
  const gaps = days.slice(1).map((d, i) => d - (days[i] as number));
  const gapMean = gaps.length === 0 ? tenure : gaps.reduce((s, g) => s + g, 0) / gaps.length;
  const gapSd =
    gaps.length === 0 ? 0 : Math.sqrt(gaps.reduce((s, g) => s + (g - gapMean) ** 2, 0) / gaps.length);
  const months = new Set(invoices.map((inv) => Math.floor(ageDays(inv) / 30)));
  const count = invoices.length;
  const last90 = windowed[1] as { frequency: number; monetary: number };

  return [
    recency,
    tenure,
    count,
    monetary,
    ...windowed.flatMap((s) => [s.frequency, s.monetary]),
    days.length,
    gapMean,
    gapSd,
    recency / Math.max(gapMean, 1),
    // Log ratios with +1 smoothing: symmetric, finite when either side is empty.
    Math.log((last90.monetary + 1) / (previousMonetary + 1)),
    Math.log((last90.frequency + 1) / (previousFrequency + 1)),
    monetary / count,
    items / count,
    lines / count,
    maxValue,
    history.priceSum / history.lineCount,
    history.products.size,
    months.size,
    history.uk ? 1 : 0,
  ];
}

/**
 * Churn labels of `customerIds`: 1 when the customer has no cleaned line in [cutoff, LABEL_END),
 * 0 when they bought again.
 */
export function churnLabels(
  lines: readonly RetailLine[],
  customerIds: readonly string[],
  cutoff: number,
  end: number = LABEL_END,
): Uint8Array {
  const returned = new Set<string>();
  for (const line of lines) if (line.minute >= cutoff && line.minute < end) returned.add(line.customerId);
  return Uint8Array.from(customerIds, (id) => (returned.has(id) ? 0 : 1));
}

/** Revenue (Σ quantity × unit price) of each of `customerIds` in [cutoff, end); 0 for no purchase. */
export function futureRevenue(
  lines: readonly RetailLine[],
  customerIds: readonly string[],
  cutoff: number,
  end: number = LABEL_END,
): Float64Array {
  const revenue = new Map<string, number>();
  for (const line of lines) {
    if (line.minute < cutoff || line.minute >= end) continue;
    revenue.set(line.customerId, (revenue.get(line.customerId) ?? 0) + line.quantity * line.unitPrice);
  }
  return Float64Array.from(customerIds, (id) => revenue.get(id) ?? 0);
}
