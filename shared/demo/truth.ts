import type { TruthRecord } from '../domain/scorecard/truth-file';
import { actionKey, campaignActions } from './actions';
import { eligibleChannels } from './campaigns';
import type { BasketEconomics } from './economics';
import type { CustomerOutlook } from './history';
import type { CampaignPlan } from './offers';
import { kindOf, type ResponseState, uplift } from './response-model';
import type { CustomerTraits } from './world';

export type { TruthRecord } from '../domain/scorecard/truth-file';

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
  for (const action of campaignActions(plan.offers, eligibleChannels(traits, plan.channels))) {
    const u = uplift(traits, state, action.offer, action.channel, action.window.hour);
    uplifts.push(u);
    arms[actionKey(action)] = round(Math.min(1, Math.max(0, pControl + u)), 4);
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
