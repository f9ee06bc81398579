import { eligibleChannels } from './campaigns';
import type { BasketEconomics } from './economics';
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
  };
}
