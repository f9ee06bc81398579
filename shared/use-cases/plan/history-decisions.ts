import type { CampaignCatalog } from '../../domain/catalog/campaign-catalog';
import type { LoggedResponse } from '../../domain/planning/discount-response';
import type { LoggedDecision } from '../../domain/planning/off-policy';
import { actionIdOf } from '../../domain/planning/scored-actions';
import type { S3Ref } from '../../domain/runs/run-state';
import type { ObjectStore } from '../../ports/object-store';
import { numberCell, readCsvObjects } from '../csv-objects';

/** What the plan does for one customer of the run, and the model's reward for any action. */
export interface PolicyView {
  /** The plan's action for a customer ('' = nothing), undefined when the customer is not in the run. */
  actionOf(customerId: string): string | undefined;
  /** Expected reward of an action ('' = no contact) for a customer, by the run's own model. */
  predictedReward(customerId: string, actionId: string): number;
  /**
   * The group within which a campaign randomised uniformly: customers were assigned over the
   * actions on channels they consent to, so their consents set their propensities.
   */
  stratumOf(customerId: string): string;
  /** The customer's segment in this run, to read response by discount level per segment. */
  segmentOf(customerId: string): string;
}

/**
 * The economics every reward is measured in, the same as the plan's objective: a converted
 * contact earns the offer's value per response at its margin less the discount, and costs the
 * contact. A purchase without contact is valued as the offer the plan would send that customer
 * (the catalog mean when it sends none), so the plan and no contact are compared on one scale.
 */
export class RewardScale {
  private readonly offers: CampaignCatalog['offers'];
  private readonly channelCost: Map<string, number>;
  private readonly meanMarginValue: number;

  public constructor(catalog: CampaignCatalog) {
    this.offers = catalog.offers;
    this.channelCost = new Map(catalog.channels.map((c) => [c.channelId, c.costPerContact]));
    const values = catalog.offers.map((o) => o.valuePerResponse * o.marginRate);
    this.meanMarginValue = values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : 0;
  }

  /** Value of a conversion under an action, and the contact's cost. */
  public terms(actionId: string): { conversionValue: number; contactCost: number } {
    if (actionId === '') return { conversionValue: this.meanMarginValue, contactCost: 0 };
    const [offerId, channelId, level] = actionId.split('|');
    const offer = this.offers.find((o) => o.offerId === offerId);
    const discount = Number(level) / 100;
    return {
      conversionValue: offer
        ? offer.valuePerResponse * (offer.marginRate - (Number.isFinite(discount) ? discount : 0))
        : this.meanMarginValue,
      contactCost: this.channelCost.get(channelId ?? '') ?? 0,
    };
  }

  /** Value of a purchase made without contact by a customer the plan sends `planAction`. */
  public baselineValue(planAction: string): number {
    if (planAction === '') return this.meanMarginValue;
    const offerId = planAction.split('|')[0];
    const offer = this.offers.find((o) => o.offerId === offerId);
    return offer ? offer.valuePerResponse * offer.marginRate : this.meanMarginValue;
  }
}

/**
 * The randomized history as logged decisions for off-policy evaluation: every past contact and
 * control in the training set (the whole history, or in one of more than 300,000 contacts those of
 * its sample of customers) of a customer who is in this run, with the reward it realised and what
 * `policy` would have done for that customer.
 *
 * @returns the decisions under the plan, the same under no contact at all (the baseline the plan's
 *   increment is measured from), and how many history rows were left out because their customer is
 *   not in the run
 */
export async function readLoggedDecisions(
  store: ObjectStore,
  trainingSet: S3Ref,
  scale: RewardScale,
  policy: PolicyView,
): Promise<{
  decisions: LoggedDecision[];
  noContact: LoggedDecision[];
  responses: LoggedResponse[];
  outsideRun: number;
}> {
  const decisions: LoggedDecision[] = [];
  const noContact: LoggedDecision[] = [];
  const responses: LoggedResponse[] = [];
  let outsideRun = 0;
  for await (const row of readCsvObjects(store, trainingSet)) {
    const customerId = row.customer_id ?? '';
    const policyAction = policy.actionOf(customerId);
    if (policyAction === undefined) {
      outsideRun += 1;
      continue;
    }
    const loggedAction =
      row.assignment === 'control'
        ? ''
        : actionIdOf(row.offer_id ?? '', row.channel_id ?? '', numberCell(row.discount_pct, 0));
    const converted = numberCell(row.converted, 0) > 0;
    responses.push({
      segment: policy.segmentOf(customerId),
      discountPct: loggedAction === '' ? null : numberCell(row.discount_pct, 0),
      converted,
    });
    const { conversionValue, contactCost } = scale.terms(loggedAction);
    const value = loggedAction === '' ? scale.baselineValue(policyAction) : conversionValue;
    const logged = {
      // Propensities are shares within a campaign and a consent set (see PolicyView.stratumOf).
      campaignId: `${row.campaign_id ?? ''} [${policy.stratumOf(customerId)}]`,
      loggedAction,
      reward: (converted ? value : 0) - contactCost,
      predictedLogged: policy.predictedReward(customerId, loggedAction),
    };
    decisions.push({
      ...logged,
      policyAction,
      predictedPolicy: policy.predictedReward(customerId, policyAction),
    });
    noContact.push({ ...logged, policyAction: '', predictedPolicy: policy.predictedReward(customerId, '') });
  }
  return { decisions, noContact, responses, outsideRun };
}
