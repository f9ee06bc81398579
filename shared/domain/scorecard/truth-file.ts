import { z } from 'zod';

const probability = z.number().min(0).max(1);

/**
 * One line of a synthetic world's truth.jsonl: the planted response model for the campaign the
 * engine plans, per customer. The engine never reads it; the scorecard judges plans by it.
 */
export const truthRecord = z.object({
  customer_id: z.string().min(1),
  kind: z.enum(['persuadable', 'sure_thing', 'lost_cause', 'sleeping_dog']),
  p_control: probability,
  /** Expected revenue of the customer's converting basket, in the batch currency. */
  value_of_response: z.number().nonnegative(),
  /**
   * `'<offer_id>|<channel_id>|<discount_pct>|<send window>'` → probability of converting when sent
   * that action; the window is `HH:MM`, or `any` for channels that are not timed.
   */
  arms: z.record(z.string(), probability),
  /** Days since the last basket on the send day; null when the customer never bought. */
  recency_days: z.number().nonnegative().nullable(),
  /** Baskets in the 365 days before the send day. */
  frequency_365: z.number().int().nonnegative(),
  /** Net spend in the 365 days before the send day. */
  monetary_365: z.number(),
  /** True probability of no purchase in the 90 days from the send day, without contact. */
  churn_90d: probability,
  /** Expected net spend in the 180 days from the send day, without contact. */
  value_180d: z.number().nonnegative(),
});
export type TruthRecord = z.infer<typeof truthRecord>;

export interface ActionKeyParts {
  readonly offerId: string;
  readonly channelId: string;
  readonly discountPct: number;
  readonly window: string;
}

/** The key of an action in truth.jsonl and in the scorecard. */
export function armKey(parts: ActionKeyParts): string {
  return `${parts.offerId}|${parts.channelId}|${parts.discountPct}|${parts.window}`;
}

/** The parts of an action key, or undefined when it is not one. */
export function parseArmKey(key: string): ActionKeyParts | undefined {
  const [offerId, channelId, level, window, ...rest] = key.split('|');
  const discountPct = Number(level);
  if (!offerId || !channelId || !level || !window || rest.length > 0 || !Number.isFinite(discountPct))
    return undefined;
  return { offerId, channelId, discountPct, window };
}
