import { z } from 'zod';

/**
 * Who may receive an offer, in terms of the customer features every run computes. A partner
 * writes these as a JSON object in the offers file; an unknown key is refused rather than
 * ignored, so a rule the engine cannot apply never passes silently.
 */
export const offerEligibility = z
  .object({
    min_recency_days: z.number().nonnegative(),
    max_recency_days: z.number().nonnegative(),
    min_frequency_365: z.number().nonnegative(),
    max_frequency_365: z.number().nonnegative(),
    min_monetary_365: z.number(),
    max_monetary_365: z.number(),
    min_tenure_days: z.number().nonnegative(),
    max_tenure_days: z.number().nonnegative(),
  })
  .partial()
  .strict();
export type OfferEligibility = z.infer<typeof offerEligibility>;

export const ELIGIBILITY_KEYS = Object.keys(offerEligibility.shape) as (keyof OfferEligibility)[];

/** The customer features eligibility rules read; recency is null for a customer who never bought. */
export interface EligibilityFacts {
  readonly recencyDays: number | null;
  readonly frequency365: number;
  readonly monetary365: number;
  readonly tenureDays: number;
}

/** Whether a customer meets every rule; a recency bound excludes customers who never bought. */
export function isEligible(rules: OfferEligibility | null, facts: EligibilityFacts): boolean {
  if (!rules) return true;
  const within = (value: number | null, min?: number, max?: number) =>
    (min === undefined || (value !== null && value >= min)) &&
    (max === undefined || (value !== null && value <= max));
  return (
    within(facts.recencyDays, rules.min_recency_days, rules.max_recency_days) &&
    within(facts.frequency365, rules.min_frequency_365, rules.max_frequency_365) &&
    within(facts.monetary365, rules.min_monetary_365, rules.max_monetary_365) &&
    within(facts.tenureDays, rules.min_tenure_days, rules.max_tenure_days)
  );
}

/** Parses an eligibility cell (already checked to be a JSON object) into rules, or a message. */
export function parseEligibility(text: string): OfferEligibility | string {
  const parsed = offerEligibility.safeParse(JSON.parse(text));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    return `knows no rule ${issue.keys.join(', ')}; the rules are ${ELIGIBILITY_KEYS.join(', ')}`;
  }
  return `${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is not valid'}`.trim();
}

/** Discount levels as written in the offers file: percents separated by `;`, e.g. `5;10;15`. */
export function parseDiscountLevels(text: string): number[] | string {
  const parts = text.split(';').map((p) => p.trim());
  const levels: number[] = [];
  for (const p of parts) {
    const value = Number(p);
    if (p === '' || !Number.isFinite(value) || value < 0 || value > 100) {
      return `must be percents from 0 to 100 separated by ';', e.g. 5;10;15 (found '${p}')`;
    }
    levels.push(value);
  }
  return [...new Set(levels)].sort((a, b) => a - b);
}
