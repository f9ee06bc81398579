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

function featureCtes(p: QueryParameters, categories: readonly string[]): string {
  const suffixes = categoryColumnSuffixes(categories);
  const values = categories
    .map(
      (c, i) =>
        `,\n    SUM(CASE WHEN category = ${literal(c)} AND age_days < 365 THEN line_value ELSE 0 END) AS cat_value_${suffixes[i]}`,
    )
    .join('');
  const shares = suffixes
    .map(
      (s) =>
        `,\n    CASE WHEN ps.monetary_365 > 0 THEN greatest(COALESCE(ps.cat_value_${s}, 0), 0) / ps.monetary_365 ELSE 0 END AS cat_share_${s}`,
    )
    .join('');
  return render(loadSql('feature-ctes'), {
    run_id: p.runId,
    response_window_days: String(p.responseWindowDays),
    category_values: values,
    category_shares: shares,
  });
}

/** The SQL of each feature-stage query for one run. */
export const featureQueries = {
  topCategories(params: QueryParameters, limit: number): string {
    const p = queryParameters.parse(params);
    return render(loadSql('top-categories'), {
      run_id: p.runId,
      as_of: p.asOf,
      limit: String(z.number().int().min(1).max(100).parse(limit)),
    });
  },
  customerFeatures(params: QueryParameters, categories: readonly string[]): string {
    const p = queryParameters.parse(params);
    return render(loadSql('customer-features'), {
      run_id: p.runId,
      as_of: p.asOf,
      feature_ctes: featureCtes(p, categories),
    });
  },
  trainingSet(params: QueryParameters, categories: readonly string[]): string {
    const p = queryParameters.parse(params);
    return render(loadSql('training-set'), {
      run_id: p.runId,
      response_window_days: String(p.responseWindowDays),
      feature_ctes: featureCtes(p, categories),
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
  datasetCounts(params: QueryParameters): string {
    return render(loadSql('dataset-counts'), { run_id: queryParameters.parse(params).runId });
  },
  /**
   * Features and labels of every customer at each cut-off, stacked (see customer-snapshots.sql):
   * the training set of the churn and value models. `params.asOf` is not used.
   */
  customerSnapshots(
    params: QueryParameters,
    cutOffs: readonly string[],
    categories: readonly string[],
  ): string {
    const p = queryParameters.parse(params);
    const dates = z.array(z.iso.date()).min(1).max(60).parse(cutOffs);
    return render(loadSql('customer-snapshots'), {
      run_id: p.runId,
      cut_off_rows: [...new Set(dates)]
        .sort()
        .map((d) => `  SELECT DATE '${d}' AS as_of`)
        .join('\n  UNION ALL\n'),
      feature_ctes: featureCtes(p, categories),
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
      year_from: isoDateOfDay(dayOfIsoDate(p.asOf) - 365),
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
      recent_from: isoDateOfDay(cutOff - 90),
      previous_from: isoDateOfDay(cutOff - 180),
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
    });
  },
};

/** Label windows after a cut-off: churn is no purchase in 90 days, value the revenue in 180. */
export const LABEL_WINDOWS = { churnDays: 90, valueDays: 180 } as const;
