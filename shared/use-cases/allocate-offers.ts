import { type AllocationProblem, solveAllocation } from '../domain/allocation';
import { type CampaignCatalog, campaignCatalog } from '../domain/catalog/campaign-catalog';
import { type EligibilityFacts, isEligible } from '../domain/contracts/offer-terms';
import { actionEconomics, offerValidOn } from '../domain/planning/action-economics';
import { isHeldOut } from '../domain/planning/holdout';
import { reasonCodes } from '../domain/planning/reasons';
import { runArtifactKeys } from '../domain/runs/run-artifacts';
import type { PlanSummary, RunState, S3Ref } from '../domain/runs/run-state';
import type { StageResult } from '../lambda/pipeline-stage';
import type { ObjectStore } from '../ports/object-store';
import { booleanCell, numberCell, readCsvObjects, writeCsvObjects } from './csv-objects';

export interface AllocateDeps {
  readonly store: ObjectStore;
  readonly lakeBucket: string;
}

/** The plan file: one row per customer, targeted, held out or left alone. */
export const PLAN_COLUMNS = [
  'customer_id',
  'decision',
  'offer_id',
  'channel_id',
  'discount_pct',
  'p_treated',
  'p_control',
  'expected_profit',
  'expected_cost',
  'segment',
  'runner_up',
  'reasons',
] as const;

interface Candidate {
  customerId: string;
  pControl: number;
  /** P(response | action), per scored action. */
  actions: Float64Array;
  heldOut: boolean;
}

/** Growable typed arrays: the option count is known only after every customer is read. */
class OptionBuffer {
  public size = 0;
  public value = new Float64Array(1024);
  public cost = new Float64Array(1024);
  public channel = new Int32Array(1024);
  public offer = new Int32Array(1024);
  public action = new Int32Array(1024);

  public push(value: number, cost: number, channel: number, offer: number, action: number): void {
    if (this.size === this.value.length) this.grow();
    this.value[this.size] = value;
    this.cost[this.size] = cost;
    this.channel[this.size] = channel;
    this.offer[this.size] = offer;
    this.action[this.size] = action;
    this.size += 1;
  }

  private grow(): void {
    const n = this.value.length * 2;
    const copy = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.value = copy(this.value, (k) => new Float64Array(k));
    this.cost = copy(this.cost, (k) => new Float64Array(k));
    this.channel = copy(this.channel, (k) => new Int32Array(k));
    this.offer = copy(this.offer, (k) => new Int32Array(k));
    this.action = copy(this.action, (k) => new Int32Array(k));
  }
}

/** One column per customer, keeping only that column in memory. */
async function readColumn(store: ObjectStore, ref: S3Ref, column: string): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for await (const r of readCsvObjects(store, ref)) map.set(r.customer_id ?? '', r[column] ?? '');
  return map;
}

/** What the plan needs to know of each customer: consented channels and eligibility facts. */
interface CustomerTerms {
  readonly consents: ReadonlySet<string>;
  readonly facts: EligibilityFacts;
}

/** Each customer's consents and eligibility facts, from the scoring features. */
async function readCustomerTerms(
  store: ObjectStore,
  ref: S3Ref,
  channels: readonly string[],
): Promise<Map<string, CustomerTerms>> {
  const map = new Map<string, CustomerTerms>();
  for await (const r of readCsvObjects(store, ref)) {
    const recency = numberCell(r.recency_days);
    map.set(r.customer_id ?? '', {
      consents: new Set(channels.filter((c) => booleanCell(r[`consent_${c}`]))),
      facts: {
        recencyDays: Number.isFinite(recency) ? recency : null,
        frequency365: numberCell(r.frequency_365, 0),
        monetary365: numberCell(r.monetary_365, 0),
        tenureDays: numberCell(r.tenure_days, 0),
      },
    });
  }
  return map;
}

/**
 * Builds the run's plan: every eligible customer × action (offer, channel, discount level) becomes an option valued by expected
 * incremental profit; a random holdout is kept out; the Lagrangian solver picks at most one
 * option per customer under the budget and the channel and offer capacities.
 */
export async function allocateOffers(state: RunState, deps: AllocateDeps): Promise<StageResult<'allocate'>> {
  const { features, score, segment } = state.stages;
  if (!features || !score || !segment)
    throw new Error('allocate needs the features, segment and score outputs');
  const catalog: CampaignCatalog = campaignCatalog.parse(
    JSON.parse(await deps.store.readText(features.catalog)),
  );
  const { sendDate, budget, holdoutFraction, seed } = state.campaign;

  const offerIndex = new Map(catalog.offers.map((o, i) => [o.offerId, i]));
  const channelIndex = new Map<string, number>(catalog.channels.map((c, i) => [c.channelId, i]));
  const actions = score.actions.flatMap((a, actionAt) => {
    const offerAt = offerIndex.get(a.offerId);
    const channelAt = channelIndex.get(a.channelId);
    const offer = offerAt === undefined ? undefined : catalog.offers[offerAt];
    const channel = channelAt === undefined ? undefined : catalog.channels[channelAt];
    if (
      offerAt === undefined ||
      channelAt === undefined ||
      !offer ||
      !channel ||
      !offerValidOn(offer, sendDate)
    )
      return [];
    return [{ ...a, offer, channel, offerAt, channelAt, actionAt }];
  });
  const actionByIndex = new Map(actions.map((a) => [a.actionAt, a]));
  const customerTerms = await readCustomerTerms(
    deps.store,
    features.scoringFeatures,
    catalog.channels.map((c) => c.channelId),
  );
  const segments = await readColumn(deps.store, segment.segments, 'segment_name');

  const candidates: Candidate[] = [];
  const options = new OptionBuffer();
  // Customer × arm pairs an offer's eligibility rules kept out of the plan.
  let ineligible = 0;
  const optionStart: number[] = [0];
  for await (const r of readCsvObjects(deps.store, score.scores)) {
    const customerId = r.customer_id ?? '';
    const candidate: Candidate = {
      customerId,
      pControl: numberCell(r.p_control, 0),
      actions: Float64Array.from(score.actions, (_, i) => numberCell(r[`p_action_${i + 1}`], 0)),
      heldOut: isHeldOut(customerId, seed, holdoutFraction),
    };
    candidates.push(candidate);
    if (!candidate.heldOut) {
      const terms = customerTerms.get(customerId);
      for (const action of actions) {
        if (!terms?.consents.has(action.channelId)) continue;
        if (!isEligible(action.offer.eligibility, terms.facts)) {
          ineligible += 1;
          continue;
        }
        const e = actionEconomics(
          candidate.actions[action.actionAt] ?? 0,
          candidate.pControl,
          action.offer,
          action.channel,
          action.discountPct,
        );
        if (e.value > 0) options.push(e.value, e.cost, action.channelAt, action.offerAt, action.actionAt);
      }
    }
    optionStart.push(options.size);
  }

  const problem: AllocationProblem = {
    customers: candidates.length,
    optionStart: Int32Array.from(optionStart),
    value: options.value.subarray(0, options.size),
    cost: options.cost.subarray(0, options.size),
    channel: options.channel.subarray(0, options.size),
    offer: options.offer.subarray(0, options.size),
    budget,
    channelCapacity: Float64Array.from(catalog.channels, (c) => c.capacityPerDay),
    offerCapacity: Float64Array.from(catalog.offers, (o) => o.maxVolume ?? Number.POSITIVE_INFINITY),
  };
  const result = solveAllocation(problem);

  const byAction = new Map<
    string,
    { offerId: string; channelId: string; discountPct: number; customers: number; spend: number }
  >();
  const totals = { contactCost: 0, discountCost: 0, conversions: 0, revenue: 0, profit: 0, spend: 0 };
  let targeted = 0;
  const planRows = candidates.map((c, i) => {
    const choice = result.choice[i] ?? -1;
    const segmentName = segments.get(c.customerId) ?? '';
    if (choice < 0) {
      return [
        c.customerId,
        c.heldOut ? 'holdout' : 'none',
        '',
        '',
        '',
        '',
        c.pControl,
        '',
        '',
        segmentName,
        '',
        '',
      ];
    }
    const actionAt = options.action[choice] ?? 0;
    const action = actionByIndex.get(actionAt);
    if (!action) throw new Error(`option ${choice} points at an unknown action`);
    const pTreated = c.actions[actionAt] ?? 0;
    const e = actionEconomics(pTreated, c.pControl, action.offer, action.channel, action.discountPct);
    targeted += 1;
    totals.contactCost += e.contactCost;
    totals.discountCost += e.expectedDiscountCost;
    totals.conversions += e.incrementalConversions;
    totals.revenue += e.incrementalRevenue;
    totals.profit += e.value;
    totals.spend += e.cost;
    const entry = byAction.get(action.actionId) ?? {
      offerId: action.offerId,
      channelId: action.channelId,
      discountPct: action.discountPct,
      customers: 0,
      spend: 0,
    };
    entry.customers += 1;
    entry.spend += e.cost;
    byAction.set(action.actionId, entry);
    const runnerUp = result.runnerUp[i] ?? -1;
    const reasons = reasonCodes({
      segment: segmentName,
      pTreated,
      pControl: c.pControl,
      value: e.value,
      cost: e.cost,
      shadowPrice: result.certificate.lambda,
    });
    return [
      c.customerId,
      'target',
      action.offerId,
      action.channelId,
      action.discountPct,
      pTreated,
      c.pControl,
      Number(e.value.toFixed(4)),
      Number(e.cost.toFixed(4)),
      segmentName,
      runnerUp >= 0 ? (score.actions[options.action[runnerUp] ?? 0]?.actionId ?? '') : '',
      reasons.join(' | '),
    ];
  });
  const planRef = { bucket: deps.lakeBucket, key: runArtifactKeys(state.runId).plan };
  await writeCsvObjects(deps.store, planRef, PLAN_COLUMNS, planRows);

  const heldOut = candidates.filter((c) => c.heldOut).length;
  const summary: PlanSummary = {
    eligibleCustomers: candidates.length - heldOut,
    targetedCustomers: targeted,
    holdoutCustomers: heldOut,
    byArm: [...byAction.values()].sort((a, b) => b.customers - a.customers),
    budget,
    spend: totals.spend,
    contactCost: totals.contactCost,
    expectedDiscountCost: totals.discountCost,
    expectedIncrementalConversions: totals.conversions,
    expectedIncrementalRevenue: totals.revenue,
    expectedIncrementalProfit: totals.profit,
    certificate: {
      primal: result.certificate.primal,
      dualBound: result.certificate.dualBound,
      gap: result.certificate.gap,
      lambda: result.certificate.lambda,
    },
  };
  return {
    output: { plan: planRef, summary },
    counts: {
      customers: candidates.length,
      options: options.size,
      ineligibleOptions: ineligible,
      targeted,
      holdout: heldOut,
    },
  };
}
