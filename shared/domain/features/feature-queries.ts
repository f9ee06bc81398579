import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { dayOfIsoDate, isoDateOfDay } from '../calendar';

/**
 * Feature SQL lives in `./sql/*.sql` and is rendered here. Placeholders are filled only with
 * validated values (ids, ISO dates, integers) or with SQL this module builds itself, so no input
 * reaches a query as free text. The Lambda bundle copies `sql/` next to the handler, which is
 * why files are found relative to this module's URL.
 */

export const SQL_FILES = [
  'feature-ctes',
  'customer-features',
  'training-set',
  'top-categories',
  'offer-economics',
  'channels',
  'send-hours',
  'dataset-counts',
  'customer-labels',
  'branch-performance',
  'customer-snapshots',
  'co-purchase',
  'send-window',
  'training-sample',
] as const;
export type SqlFile = (typeof SQL_FILES)[number];

const cache = new Map<SqlFile, string>();

export function loadSql(name: SqlFile): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./sql/${name}.sql`, import.meta.url), 'utf8');
    cache.set(name, text);
  }
  return text;
}

export const queryParameters = z.object({
  runId: z.string().regex(/^[A-Za-z0-9_-]+$/),
  asOf: z.iso.date(),
  responseWindowDays: z.number().int().min(1).max(365),
});
export type QueryParameters = z.infer<typeof queryParameters>;

function render(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`no value for ${match}`);
    return value;
  });
}

/** A category as a SQL string literal, quotes doubled. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Category feature columns get stable, identifier-safe names. */
export function categoryColumnSuffixes(categories: readonly string[]): string[] {
  const used = new Set<string>();
  return categories.map((category) => {
    const base =
      category
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_|_$/g, '') || 'category';
    let name = base;
    for (let n = 2; used.has(name); n += 1) name = `${base}_${n}`;
    used.add(name);
    return name;
  });
}

/**
 * The cut-offs a customer's lines are aggregated at (see feature-ctes.sql): one date for every
 * spine row, each date of the spine (every spine row a customer at one of a few dates), or the
 * spine's own (customer_id, as_of) pairs. `perCustomer` dates meet the lines through the spine's
 * pairs too, so only the spine's customers' lines are aggregated (a spine that samples them),
 * while the dates still bound the month partitions read.
 */
type CutOffs = { date: string } | { dates: readonly string[]; perCustomer?: boolean } | 'spine_pairs';

/** The `month` partition value (`YYYY-MM`) of an ISO date. */
const monthOf = (isoDate: string): string => isoDate.slice(0, 7);
const monthDaysBefore = (isoDate: string, days: number): string =>
  monthOf(isoDateOfDay(dayOfIsoDate(isoDate) - days));

function featureCtes(p: QueryParameters, categories: readonly string[], cutOffs: CutOffs): string {
  const suffixes = categoryColumnSuffixes(categories);
  const each = (line: (suffix: string, i: number) => string) =>
    suffixes.map((s, i) => `,\n    ${line(s, i)}`).join('');
  const date =
    typeof cutOffs === 'object' && 'date' in cutOffs ? `CAST(DATE '${cutOffs.date}' AS DATE)` : undefined;
  const perCustomer = typeof cutOffs === 'object' && 'dates' in cutOffs && cutOffs.perCustomer === true;
  const join = (alias: string) => {
    if (date !== undefined) return '';
    if (cutOffs !== 'spine_pairs' && !perCustomer) return '\n  CROSS JOIN spine_cut_offs k';
    return `\n  JOIN spine_keys k ON k.customer_id = ${alias}.customer_id`;
  };
  // Month partitions the reads may skip: known for fixed cut-offs, not for each contact's own.
  const known =
    typeof cutOffs !== 'object' ? [] : 'date' in cutOffs ? [cutOffs.date] : [...cutOffs.dates].sort();
  const firstCutOff = known[0];
  const lastCutOff = known[known.length - 1];
  const upTo = lastCutOff === undefined ? '' : ` AND t.month <= '${monthOf(lastCutOff)}'`;
  const yearFrom = firstCutOff === undefined ? '' : ` AND t.month >= '${monthDaysBefore(firstCutOff, 364)}'`;
  // Lines no cut-off reads are left out before they are grouped: those from the last cut-off on,
  // and for receipts those before the first cut-off's year.
  const last = date
    ? `CAST(${date} AS TIMESTAMP)`
    : '(SELECT CAST(max(as_of) AS TIMESTAMP) FROM spine_cut_offs)';
  const first = date
    ? `CAST(${date} AS TIMESTAMP) - INTERVAL '364' DAY`
    : `(SELECT CAST(min(as_of) AS TIMESTAMP) - INTERVAL '364' DAY FROM spine_cut_offs)`;
  // A spine that samples the customers: their purchase days and receipts only, before any window.
  const spineCustomers = perCustomer ? ' AND t.customer_id IN (SELECT customer_id FROM spine_keys)' : '';
  return render(loadSql('feature-ctes'), {
    run_id: p.runId,
    response_window_days: String(p.responseWindowDays),
    cut_off: date ?? 'k.as_of',
    line_cut_offs: join('t'),
    day_cut_offs: join('d'),
    receipt_cut_offs: join('r'),
    line_month_filter: `${yearFrom}${upTo}`,
    purchase_day_filter: ` AND t.ts < ${last}${upTo}${spineCustomers}`,
    receipt_filter: ` AND t.ts >= ${first} AND t.ts < ${last}${yearFrom}${upTo}${spineCustomers}`,
    // Each category's net value of the year per branch, then per spine row.
    category_values: each(
      (s, i) =>
        `SUM(CASE WHEN category = ${literal(categories[i] ?? '')} THEN line_value ELSE 0 END) AS category_value_${s}`,
    ),
    category_totals: each((s) => `SUM(category_value_${s}) AS cat_value_${s}`),
    category_shares: each(
      (s) =>
        `CASE WHEN ps.monetary_365 > 0 THEN greatest(COALESCE(ps.cat_value_${s}, 0), 0) / ps.monetary_365 ELSE 0 END AS cat_share_${s}`,
    ),
  });
}

/**
 * Customers whose snapshots the churn and value models can learn from. They train on a sample of
 * 12,000 snapshot rows each (SNAPSHOT_SAMPLE in the score stage), drawn from these customers'
 * rows at every cut-off: snapshots of a million customers would cost the feature build most of
 * its time and change nothing the models see but which rows the sample holds.
 */
export const SNAPSHOT_CUSTOMERS = 50_000;

/**
 * Contacts the response model learns from, about at most: a larger history is sampled by customer
 * (training-sample.sql). Its training time grows with its rows (about 100 s for 300,000 contacts
 * on two cores, `npm run bench:scoring`), and a million customers' history of 1.8 million
 * contacts would take most of a Lambda's 15 minutes; the features of contacts no model reads
 * would be most of the feature build.
 */
export const TRAINING_CONTACTS = 300_000;

function trainingSample(runId: string, sampleContacts: number): string {
  return render(loadSql('training-sample'), {
    run_id: runId,
    sample_contacts: String(z.number().int().min(1).parse(sampleContacts)),
  });
}

/** The SQL of each feature-stage query for one run. */
export const featureQueries = {
  topCategories(params: QueryParameters, limit: number): string {
    const p = queryParameters.parse(params);
    return render(loadSql('top-categories'), {
      run_id: p.runId,
      as_of: p.asOf,
      as_of_month: monthOf(p.asOf),
      limit: String(z.number().int().min(1).max(100).parse(limit)),
    });
  },
  customerFeatures(params: QueryParameters, categories: readonly string[]): string {
    const p = queryParameters.parse(params);
    return render(loadSql('customer-features'), {
      run_id: p.runId,
      as_of: p.asOf,
      feature_ctes: featureCtes(p, categories, { date: p.asOf }),
    });
  },
  /**
   * The past contacts of a sample of customers, about `sampleContacts` of them (every contact in a
   * smaller history), each with its features as of its send date (see training-set.sql). With the
   * first and last send dates known (`sendWindow()`), the reads of the lines are bounded to the
   * months between the first one's year and the last one; the rows are the same either way.
   */
  trainingSet(
    params: QueryParameters,
    categories: readonly string[],
    sendWindow?: { first: string; last: string },
    sampleContacts: number = TRAINING_CONTACTS,
  ): string {
    const p = queryParameters.parse(params);
    const window =
      sendWindow === undefined
        ? undefined
        : z
            .object({ first: z.iso.date(), last: z.iso.date() })
            .refine((w) => w.first <= w.last, 'the first send date is after the last')
            .parse(sendWindow);
    const dates = window === undefined ? undefined : [window.first, window.last];
    return render(loadSql('training-set'), {
      run_id: p.runId,
      response_window_days: String(p.responseWindowDays),
      training_sample: trainingSample(p.runId, sampleContacts),
      feature_ctes: featureCtes(p, categories, dates ? { dates, perCustomer: true } : 'spine_pairs'),
    });
  },
  offerEconomics(params: QueryParameters): string {
    const p = queryParameters.parse(params);
    return render(loadSql('offer-economics'), {
      run_id: p.runId,
      response_window_days: String(p.responseWindowDays),
    });
  },
  channels(params: QueryParameters): string {
    return render(loadSql('channels'), { run_id: queryParameters.parse(params).runId });
  },
  /** Hours past campaigns sent at per timed channel, most used first (see send-hours.sql). */
  sendHours(params: QueryParameters): string {
    const p = queryParameters.parse(params);
    return render(loadSql('send-hours'), { run_id: p.runId, as_of: p.asOf });
  },
  /** The first and last days contacts were sent on (NULL when there are none). */
  sendWindow(params: QueryParameters): string {
    return render(loadSql('send-window'), { run_id: queryParameters.parse(params).runId });
  },
  /** Customers, contacts, and the contacts the training set samples (see trainingSet). */
  datasetCounts(params: QueryParameters, sampleContacts: number = TRAINING_CONTACTS): string {
    const p = queryParameters.parse(params);
    return render(loadSql('dataset-counts'), {
      run_id: p.runId,
      training_sample: trainingSample(p.runId, sampleContacts),
    });
  },
  /**
   * Features and labels at each cut-off, stacked (see customer-snapshots.sql), of every customer
   * or, in a larger batch, of every k-th customer by id, about `sampleCustomers` of them: the
   * training set of the churn and value models. `params.asOf` is not used.
   */
  customerSnapshots(
    params: QueryParameters,
    cutOffs: readonly string[],
    categories: readonly string[],
    sampleCustomers: number = SNAPSHOT_CUSTOMERS,
  ): string {
    const p = queryParameters.parse(params);
    const dates = [...new Set(z.array(z.iso.date()).min(1).max(60).parse(cutOffs))].sort();
    return render(loadSql('customer-snapshots'), {
      run_id: p.runId,
      cut_off_rows: dates.map((d) => `  SELECT DATE '${d}' AS as_of`).join('\n  UNION ALL\n'),
      sample_customers: String(z.number().int().min(1).parse(sampleCustomers)),
      first_cut_off_month: monthOf(dates[0] ?? p.asOf),
      feature_ctes: featureCtes(p, categories, { dates, perCustomer: true }),
      churn_days: String(LABEL_WINDOWS.churnDays),
      value_days: String(LABEL_WINDOWS.valueDays),
      churn_last_offset: String(LABEL_WINDOWS.churnDays - 1),
      value_last_offset: String(LABEL_WINDOWS.valueDays - 1),
    });
  },
  /** The strongest co-purchased product pairs of the year before the cut-off (see co-purchase.sql). */
  coPurchase(params: QueryParameters, options: { minBaskets: number; limit: number }): string {
    const p = queryParameters.parse(params);
    const o = z
      .object({ minBaskets: z.number().int().min(1), limit: z.number().int().min(1).max(100_000) })
      .parse(options);
    return render(loadSql('co-purchase'), {
      run_id: p.runId,
      as_of: p.asOf,
      as_of_month: monthOf(p.asOf),
      year_from: isoDateOfDay(dayOfIsoDate(p.asOf) - 365),
      year_from_month: monthDaysBefore(p.asOf, 365),
      min_baskets: String(o.minBaskets),
      limit: String(o.limit),
    });
  },
  /** Branch and store performance as of the cut-off (see branch-performance.sql). */
  branchPerformance(params: QueryParameters): string {
    const p = queryParameters.parse(params);
    const cutOff = dayOfIsoDate(p.asOf);
    return render(loadSql('branch-performance'), {
      run_id: p.runId,
      as_of: p.asOf,
      as_of_month: monthOf(p.asOf),
      recent_from: isoDateOfDay(cutOff - 90),
      previous_from: isoDateOfDay(cutOff - 180),
      previous_from_month: monthDaysBefore(p.asOf, 180),
      year_from: isoDateOfDay(cutOff - 365),
      response_window_days: String(p.responseWindowDays),
    });
  },
  /** Churn and value labels of every customer at the cut-off `asOf` (see customer-labels.sql). */
  customerLabels(params: QueryParameters): string {
    const p = queryParameters.parse(params);
    const cutOff = dayOfIsoDate(p.asOf);
    return render(loadSql('customer-labels'), {
      run_id: p.runId,
      as_of: p.asOf,
      churn_end: isoDateOfDay(cutOff + LABEL_WINDOWS.churnDays),
      churn_last: isoDateOfDay(cutOff + LABEL_WINDOWS.churnDays - 1),
      value_end: isoDateOfDay(cutOff + LABEL_WINDOWS.valueDays),
      value_last: isoDateOfDay(cutOff + LABEL_WINDOWS.valueDays - 1),
      as_of_month: monthOf(p.asOf),
      value_end_month: monthOf(isoDateOfDay(cutOff + LABEL_WINDOWS.valueDays - 1)),
    });
  },
};

/** Label windows after a cut-off: churn is no purchase in 90 days, value the revenue in 180. */
export const LABEL_WINDOWS = { churnDays: 90, valueDays: 180 } as const;
