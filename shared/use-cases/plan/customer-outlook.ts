import type { S3Ref } from '../../domain/runs/run-state';
import type { ObjectStore } from '../../ports/object-store';
import { numberCell, readCsvObjects } from '../csv-objects';

/** What the churn and value models expect of a customer without contact; NaN where a model was skipped. */
export interface CustomerOutlook {
  readonly churnProbability: number;
  /** Expected revenue of the next 180 days (the value model's point estimate). */
  readonly value180d: number;
  /** The same horizon by BG/NBD × Gamma-Gamma. */
  readonly lifetimeValue180d: number;
}

/** The score stage's customer-value file by customer id; empty for a run scored before these models. */
export async function readCustomerOutlook(
  store: ObjectStore,
  ref: S3Ref | undefined,
): Promise<Map<string, CustomerOutlook>> {
  const outlook = new Map<string, CustomerOutlook>();
  if (ref === undefined) return outlook;
  for await (const r of readCsvObjects(store, ref)) {
    outlook.set(r.customer_id ?? '', {
      churnProbability: numberCell(r.churn_probability),
      value180d: numberCell(r.value_180d),
      lifetimeValue180d: numberCell(r.lifetime_value_180d),
    });
  }
  return outlook;
}

/** Which estimates the expected-value baseline weighed: its models', or the stand-ins without them. */
export type RetentionBasis = 'churn_and_value_models' | 'no_contact_response_and_past_revenue';

/**
 * The expected-value rule's retention value per candidate: the churn model's probability times the
 * value model's 180-day value, as retention systems rank; where either model was skipped for the
 * run, the chance of no purchase without contact times the past year's revenue.
 */
export function retentionValues(
  candidates: readonly { customerId: string; pControl: number }[],
  outlook: ReadonlyMap<string, CustomerOutlook>,
  pastRevenue: (customerId: string) => number,
): { values: Float64Array; basis: RetentionBasis } {
  const modelled = candidates.every((c) => {
    const o = outlook.get(c.customerId);
    return o !== undefined && Number.isFinite(o.churnProbability) && Number.isFinite(o.value180d);
  });
  if (modelled && candidates.length > 0) {
    return {
      values: Float64Array.from(candidates, (c) => {
        const o = outlook.get(c.customerId) as CustomerOutlook;
        return o.churnProbability * o.value180d;
      }),
      basis: 'churn_and_value_models',
    };
  }
  return {
    values: Float64Array.from(candidates, (c) => (1 - c.pControl) * pastRevenue(c.customerId)),
    basis: 'no_contact_response_and_past_revenue',
  };
}
