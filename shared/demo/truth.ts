import { eligibleChannels } from './campaigns';
import type { BasketEconomics } from './economics';
import type { CustomerOutlook } from './history';
import type { CampaignPlan } from './offers';
import { type CustomerKind, kindOf, type ResponseState, uplift } from './response-model';
import type { CustomerTraits } from './world';

/** One line of truth.jsonl: the planted response model for the next campaign. */
export interface TruthRecord {
  readonly customer_id: string;
  readonly kind: CustomerKind;
  readonly p_control: number;
  /** Expected revenue of the customer's converting basket, in the batch currency. */
  readonly value_of_response: number;
  /** `'<offer_id>|<channel_id>'` → probability of converting when sent that arm. */
  readonly arms: Record<string, number>;
  /** Days since the last basket on the send day; null when the customer never bought. */
  readonly recency_days: number | null;
  /** Baskets in the 365 days before the send day. */
  readonly frequency_365: number;
  /** Net spend in the 365 days before the send day. */
  readonly monetary_365: number;
  /** True probability of no purchase in the 90 days from the send day, without contact. */
  readonly churn_90d: number;
  /** Expected net spend in the 180 days from the send day, without contact. */
  readonly value_180d: number;
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

/** The truth record of one customer for `plan`, from the customer's state on its send day. */
export function truthRecord(
  traits: CustomerTraits,
  state: ResponseState,
  economics: BasketEconomics,
  outlook: CustomerOutlook,
  plan: CampaignPlan,
): TruthRecord {
  const { pControl } = state;
  const arms: Record<string, number> = {};
  const uplifts: number[] = [];
  for (const offer of plan.offers) {
    for (const channel of eligibleChannels(traits, plan.channels)) {
      const u = uplift(traits, state, offer, channel);
      uplifts.push(u);
      arms[`${offer.id}|${channel}`] = round(Math.min(1, Math.max(0, pControl + u)), 4);
    }
  }
  return {
    customer_id: traits.id,
    kind: kindOf(traits, pControl, uplifts),
    p_control: round(pControl, 4),
    value_of_response: economics.responseValue,
    arms,
    recency_days: Number.isFinite(state.recencyDays) ? state.recencyDays : null,
    frequency_365: outlook.frequency365,
    monetary_365: round(outlook.monetary365, 2),
    churn_90d: round(outlook.churn90, 4),
    value_180d: round(outlook.value180, 2),
  };
}
