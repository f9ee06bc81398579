import { type CampaignCatalog, campaignCatalog } from '../../domain/catalog/campaign-catalog';
import { isEligible } from '../../domain/contracts/offer-terms';
import { actionEconomics, offerValidOn } from '../../domain/planning/action-economics';
import { isHeldOut } from '../../domain/planning/holdout';
import { suppressionListKey } from '../../domain/runs/run-artifacts';
import type { RunState, ScoreOutput } from '../../domain/runs/run-state';
import type { ObjectStore } from '../../ports/object-store';
import { ObjectNotFoundError } from '../../ports/object-store';
import { numberCell, readCsvObjects } from '../csv-objects';
import { type CustomerOutlook, readCustomerOutlook } from './customer-outlook';
import { type CustomerTerms, readCustomerTerms } from './customer-terms';
import { OptionTable } from './option-table';

/** An action the plan may send today, with its offer and channel resolved. */
export type PlannableAction = ScoreOutput['actions'][number] & {
  offer: CampaignCatalog['offers'][number];
  channel: CampaignCatalog['channels'][number];
  offerAt: number;
  channelAt: number;
  /** Index into the score stage's actions (the scores file's p_action_{actionAt + 1}). */
  actionAt: number;
};

export interface Candidate {
  customerId: string;
  pControl: number;
  /** P(response | action), per scored action. */
  actions: Float64Array;
  heldOut: boolean;
}

export interface PlanInputs {
  catalog: CampaignCatalog;
  actions: PlannableAction[];
  terms: Map<string, CustomerTerms>;
  /** The churn and value models' expectations per customer; empty when the run has none. */
  outlook: Map<string, CustomerOutlook>;
  candidates: Candidate[];
  options: OptionTable;
  /** Customer × action pairs an offer's eligibility rules kept out of the plan. */
  ineligible: number;
  /** Customers the partner's suppression list, or the campaign's cool-down and frequency cap, kept out. */
  suppressed: number;
  contactPolicyBlocked: number;
  /** Customer × action pairs below the campaign's minimum return per unit of spend. */
  belowMinRoi: number;
}

/** The partner's do-not-contact list; none when the partner keeps none. */
async function readSuppressionList(
  store: ObjectStore,
  bucket: string,
  partner: string,
): Promise<Set<string>> {
  const ids = new Set<string>();
  try {
    for await (const r of readCsvObjects(store, { bucket, key: suppressionListKey(partner) })) {
      if (r.customer_id) ids.add(r.customer_id);
    }
  } catch (error) {
    if (!(error instanceof ObjectNotFoundError)) throw error;
  }
  return ids;
}

/** Whether the campaign's fatigue rules let a customer be contacted now. */
function contactAllowed(campaign: RunState['campaign'], customer: CustomerTerms): boolean {
  const { coolDownDays, maxContacts30 } = campaign;
  if (maxContacts30 !== undefined && customer.contacts30 > maxContacts30) return false;
  const since = customer.daysSinceLastContact;
  return coolDownDays === undefined || since === null || since >= coolDownDays;
}

/** How many of the model's most important inputs a recommendation's reasons name. */
const DRIVERS = 3;

export const driverNames = (score: ScoreOutput): string[] =>
  (score.importance ?? []).slice(0, DRIVERS).map((f) => f.feature);

/** The scored actions whose offer and channel are in the catalog and whose offer is valid on the send date. */
function plannableActions(score: ScoreOutput, catalog: CampaignCatalog, sendDate: string): PlannableAction[] {
  const offerIndex = new Map(catalog.offers.map((o, i) => [o.offerId, i]));
  const channelIndex = new Map<string, number>(catalog.channels.map((c, i) => [c.channelId, i]));
  return score.actions.flatMap((a, actionAt) => {
    const offerAt = offerIndex.get(a.offerId);
    const channelAt = channelIndex.get(a.channelId);
    const offer = offerAt === undefined ? undefined : catalog.offers[offerAt];
    const channel = channelAt === undefined ? undefined : catalog.channels[channelAt];
    if (offerAt === undefined || channelAt === undefined || !offer || !channel) return [];
    if (!offerValidOn(offer, sendDate)) return [];
    return [{ ...a, offer, channel, offerAt, channelAt, actionAt }];
  });
}

/**
 * Reads the run's scores and turns every customer × action that consent and eligibility allow
 * into an option valued by expected incremental profit; held-out customers get none.
 */
export async function readPlanInputs(
  state: RunState,
  store: ObjectStore,
  lakeBucket: string,
): Promise<PlanInputs> {
  const { features, score } = state.stages;
  if (!features || !score) throw new Error('allocate needs the features and score outputs');
  const catalog = campaignCatalog.parse(JSON.parse(await store.readText(features.catalog)));
  const { sendDate, holdoutFraction, seed } = state.campaign;
  const actions = plannableActions(score, catalog, sendDate);
  const terms = await readCustomerTerms(
    store,
    features.scoringFeatures,
    catalog.channels.map((c) => c.channelId),
    catalog.asOf,
    driverNames(score),
  );
  const outlook = await readCustomerOutlook(store, score.customerValue?.file);
  const suppressionList = await readSuppressionList(store, lakeBucket, state.batch.partner);
  const candidates: Candidate[] = [];
  const options = new OptionTable();
  const excluded = { ineligible: 0, suppressed: 0, contactPolicyBlocked: 0, belowMinRoi: 0 };
  for await (const r of readCsvObjects(store, score.scores)) {
    const customerId = r.customer_id ?? '';
    const candidate: Candidate = {
      customerId,
      pControl: numberCell(r.p_control, 0),
      actions: Float64Array.from(score.actions, (_, i) => numberCell(r[`p_action_${i + 1}`], 0)),
      heldOut: isHeldOut(customerId, seed, holdoutFraction),
    };
    candidates.push(candidate);
    const customer = terms.get(customerId);
    let open = !candidate.heldOut && customer !== undefined;
    if (open && suppressionList.has(customerId)) {
      excluded.suppressed += 1;
      open = false;
    } else if (open && customer && !contactAllowed(state.campaign, customer)) {
      excluded.contactPolicyBlocked += 1;
      open = false;
    }
    for (const action of open ? actions : []) {
      if (!customer?.consents.has(action.channelId)) continue;
      if (!isEligible(action.offer.eligibility, customer.facts)) {
        excluded.ineligible += 1;
        continue;
      }
      const pTreated = candidate.actions[action.actionAt] ?? 0;
      const e = actionEconomics(
        pTreated,
        candidate.pControl,
        action.offer,
        action.channel,
        action.discountPct,
      );
      const { minRoi } = state.campaign;
      if (minRoi !== undefined && e.value < minRoi * e.cost) {
        excluded.belowMinRoi += 1;
        continue;
      }
      options.push({
        value: e.value,
        cost: e.cost,
        propensity: pTreated,
        uplift: e.incrementalConversions,
        channel: action.channelAt,
        offer: action.offerAt,
        action: action.actionAt,
      });
    }
    options.closeCustomer();
  }
  return { catalog, actions, terms, outlook, candidates, options, ...excluded };
}
