import type { EligibilityFacts } from '../../domain/contracts/offer-terms';
import { ageBand, type ProtectedAttribute } from '../../domain/planning/fairness';
import type { HourEvidence } from '../../domain/planning/send-time';
import type { S3Ref } from '../../domain/runs/run-state';
import type { ObjectStore } from '../../ports/object-store';
import { booleanCell, numberCell, readCsvObjects } from '../csv-objects';

/** What the plan needs to know of each customer, from the scoring features. */
export interface CustomerTerms {
  readonly consents: ReadonlySet<string>;
  readonly facts: EligibilityFacts;
  /** For the fairness report only: never an input to a decision. */
  readonly protected: Record<ProtectedAttribute, string>;
  /** Revenue of the last 365 days: the value the expected-value baseline weighs churn risk by. */
  readonly monetary365: number;
  /** Contacts in the last 30 days and days since the last one (null: never contacted), for fatigue rules. */
  readonly contacts30: number;
  readonly daysSinceLastContact: number | null;
  /** When the customer shops, for the send time. */
  readonly hour: HourEvidence;
  /** Values of the model's most important inputs (see readCustomerTerms' `drivers`), NaN when missing. */
  readonly drivers: readonly number[];
}

/** Each customer's consents, eligibility facts and protected attributes, by customer id. */
export async function readCustomerTerms(
  store: ObjectStore,
  ref: S3Ref,
  channels: readonly string[],
  asOf: string,
  drivers: readonly string[] = [],
): Promise<Map<string, CustomerTerms>> {
  const asOfYear = Number(asOf.slice(0, 4));
  const map = new Map<string, CustomerTerms>();
  for await (const r of readCsvObjects(store, ref)) {
    const recency = numberCell(r.recency_days);
    const birthYear = numberCell(r.fairness_birth_year);
    const monetary365 = numberCell(r.monetary_365, 0);
    const meanHour = numberCell(r.mean_hour_365);
    const lastContact = numberCell(r.days_since_last_contact);
    map.set(r.customer_id ?? '', {
      consents: new Set(channels.filter((c) => booleanCell(r[`consent_${c}`]))),
      facts: {
        recencyDays: Number.isFinite(recency) ? recency : null,
        frequency365: numberCell(r.frequency_365, 0),
        monetary365,
        tenureDays: numberCell(r.tenure_days, 0),
      },
      protected: {
        gender: r.fairness_gender ?? '',
        age_band: ageBand(Number.isFinite(birthYear) ? birthYear : null, asOfYear),
        region: r.fairness_region ?? '',
      },
      monetary365,
      drivers: drivers.map((d) => numberCell(r[d])),
      contacts30: numberCell(r.contacts_30, 0),
      daysSinceLastContact: Number.isFinite(lastContact) ? lastContact : null,
      hour: {
        meanHour: Number.isFinite(meanHour) ? meanHour : null,
        occasions: numberCell(r.frequency_365, 0),
      },
    });
  }
  return map;
}

export interface Driver {
  readonly feature: string;
  readonly value: number;
  readonly median: number;
}

/** Each customer's driver values beside the population's medians, for the reason codes. */
export function driversOf(
  terms: ReadonlyMap<string, CustomerTerms>,
  names: readonly string[],
): (customerId: string) => Driver[] {
  const medians = names.map((_, k) => {
    const values = [...terms.values()]
      .map((t) => t.drivers[k] as number)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    if (values.length === 0) return Number.NaN;
    const mid = Math.floor(values.length / 2);
    return values.length % 2 === 1
      ? (values[mid] as number)
      : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
  });
  return (customerId) => {
    const own = terms.get(customerId)?.drivers ?? [];
    return names.flatMap((feature, k) => {
      const value = own[k];
      const median = medians[k] as number;
      return value !== undefined && Number.isFinite(value) && Number.isFinite(median)
        ? [{ feature, value, median }]
        : [];
    });
  };
}
