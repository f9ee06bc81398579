import type { AllocationProblem, AllocationResult } from '../../domain/allocation';
import { budgetCurve, marginalProfitAt } from '../../domain/planning/budget-curve';
import { discountResponse } from '../../domain/planning/discount-response';
import { type FairnessSubject, fairnessReport, solveWithParity } from '../../domain/planning/fairness';
import { offPolicyReport } from '../../domain/planning/off-policy';
import type { PlanAnalysis } from '../../domain/planning/plan-analysis';
import { renderPlanReport } from '../../domain/planning/render-plan-report';
import { compareRunStrategies } from '../../domain/planning/strategy-comparison';
import type { Campaign, ResponseBasis, S3Ref } from '../../domain/runs/run-state';
import type { ObjectStore } from '../../ports/object-store';
import { retentionValues } from './customer-outlook';
import { type PolicyView, RewardScale, readLoggedDecisions } from './history-decisions';
import type { CustomerChoice } from './plan-choices';
import type { PlanInputs } from './plan-inputs';

export interface AnalysisContext {
  readonly runId: string;
  readonly campaign: Campaign;
  readonly inputs: PlanInputs;
  readonly problem: AllocationProblem;
  readonly result: AllocationResult;
  readonly choices: readonly CustomerChoice[];
  /** The run's campaign history (the features stage's training set). */
  readonly trainingSet: S3Ref;
  /**
   * Whether that history was randomized against a control group, as the score stage found it;
   * undefined on payloads from before the no-control fallback, which all were.
   */
  readonly responseBasis: ResponseBasis | undefined;
  readonly segmentOf: (customerId: string) => string;
}

/** The offer broadcast sends: the one most customers may receive, as a marketer would pick. */
function broadcastOffer(problem: AllocationProblem, offers: number): number {
  const counts = new Float64Array(offers);
  for (const offer of problem.offer) counts[offer] = (counts[offer] ?? 0) + 1;
  let best = 0;
  for (let k = 1; k < offers; k++) if ((counts[k] as number) > (counts[best] as number)) best = k;
  return best;
}

function fairnessSubjects(ctx: AnalysisContext): FairnessSubject[] {
  return ctx.choices.flatMap((c): FairnessSubject[] => {
    if (c.decision === 'holdout') return [];
    const terms = ctx.inputs.terms.get(c.customerId);
    return [
      {
        attributes: terms?.protected ?? { gender: '', age_band: 'unknown', region: '' },
        targeted: c.decision === 'target',
        discountPct: c.action?.discountPct ?? 0,
        expectedValue: c.economics?.value ?? 0,
      },
    ];
  });
}

function parityOf(ctx: AnalysisContext): PlanAnalysis['parity'] {
  const parity = ctx.campaign.parity;
  if (!parity) return null;
  const groups = new Map<string, number>();
  const groupOf = Int32Array.from(ctx.choices, (c) => {
    if (c.decision === 'holdout') return -1;
    const group = ctx.inputs.terms.get(c.customerId)?.protected[parity.attribute] || 'unknown';
    if (!groups.has(group)) groups.set(group, groups.size);
    return groups.get(group) ?? -1;
  });
  const solved = solveWithParity(ctx.problem, groupOf, groups.size, parity.minRatio, ctx.result.value);
  return {
    ...parity,
    achieved: solved.achieved,
    costOfParity: solved.costOfParity,
    minDisparateImpact: solved.minDisparateImpact,
  };
}

/** What the randomized history says: the plan's off-policy value, and response by discount level. */
async function historyOf(
  store: ObjectStore,
  ctx: AnalysisContext,
): Promise<Pick<PlanAnalysis, 'offPolicy' | 'discountResponse'>> {
  const scale = new RewardScale(ctx.inputs.catalog);
  const byCustomer = new Map(ctx.choices.map((c) => [c.customerId, c]));
  const actionAt = new Map(ctx.inputs.actions.map((a) => [a.actionId, a.actionAt]));
  const policy: PolicyView = {
    segmentOf: ctx.segmentOf,
    stratumOf: (id) => {
      const consents = ctx.inputs.terms.get(id)?.consents;
      return consents && consents.size > 0 ? [...consents].sort().join(',') : 'no consent';
    },
    actionOf: (id) => {
      const c = byCustomer.get(id);
      return c ? (c.action?.actionId ?? '') : undefined;
    },
    predictedReward: (id, actionId) => {
      const c = byCustomer.get(id);
      const candidate = c ? ctx.inputs.candidates[c.index] : undefined;
      if (!c || !candidate) return 0;
      if (actionId === '') return candidate.pControl * scale.baselineValue(c.action?.actionId ?? '');
      const at = actionAt.get(actionId);
      if (at === undefined) return 0;
      const { conversionValue, contactCost } = scale.terms(actionId);
      return (candidate.actions[at] ?? 0) * conversionValue - contactCost;
    },
  };
  const { decisions, noContact, responses } = await readLoggedDecisions(
    store,
    ctx.trainingSet,
    scale,
    policy,
  );
  if (decisions.length === 0) {
    return {
      offPolicy: {
        status: 'not-estimated',
        reason: 'no customer of this run appears in the campaign history',
      },
      discountResponse: [],
    };
  }
  if (ctx.responseBasis !== undefined && ctx.responseBasis.kind !== 'randomized') {
    // Not contacting is what the plan does for most customers, and the history never logged it.
    return {
      offPolicy: {
        status: 'not-estimated',
        reason:
          'the campaign history has no randomized control group, so no past decision shows what not contacting a customer earns',
      },
      discountResponse: discountResponse(responses),
    };
  }
  const eligible = ctx.choices.filter((c) => c.decision !== 'holdout').length;
  const plan = offPolicyReport(decisions);
  // Both policies are measured on the same campaigns, or their difference would compare different customers.
  const skipped = new Set(plan.skippedCampaigns.map((c) => c.campaignId));
  return {
    offPolicy: {
      status: 'estimated',
      plan,
      noContact: offPolicyReport(noContact.filter((d) => !skipped.has(d.campaignId))),
      expectedIncrementalProfitPerCustomer: eligible > 0 ? ctx.result.value / eligible : 0,
    },
    discountResponse: discountResponse(responses),
  };
}

/**
 * Everything finance and marketing read beside the plan: the certificate, the budget curve, the
 * baselines on the run's own estimates, fairness (and parity's cost when asked for), and the
 * off-policy estimate of the plan on the randomized history. Written as JSON and as a page.
 */
export async function analysePlan(
  store: ObjectStore,
  refs: { json: S3Ref; html: S3Ref },
  ctx: AnalysisContext,
): Promise<PlanAnalysis> {
  const { problem, result, inputs, campaign } = ctx;
  const curve = budgetCurve(problem);
  const retention = retentionValues(
    inputs.candidates,
    inputs.outlook,
    (id) => inputs.terms.get(id)?.monetary365 ?? 0,
  );
  const analysis: PlanAnalysis = {
    runId: ctx.runId,
    currency: campaign.currency,
    budget: campaign.budget,
    certificate: {
      primal: result.certificate.primal,
      dualBound: result.certificate.dualBound,
      gap: result.certificate.gap,
      lambda: result.certificate.lambda,
    },
    budgetCurve: curve,
    ...(ctx.responseBasis ? { responseBasis: ctx.responseBasis } : {}),
    marginalProfitPerEuro: marginalProfitAt(curve, campaign.budget),
    expectedValueBasis: retention.basis,
    comparison: compareRunStrategies({
      problem,
      propensity: inputs.options.propensity.subarray(0, inputs.options.size),
      incrementalConversions: inputs.options.uplift.subarray(0, inputs.options.size),
      retentionValue: retention.values,
      broadcastOffer: broadcastOffer(problem, problem.offerCapacity.length),
      plan: result.choice,
    }),
    fairness: fairnessReport(fairnessSubjects(ctx)),
    parity: parityOf(ctx),
    ...(await historyOf(store, ctx)),
  };
  await store.write(refs.json, JSON.stringify(analysis), 'application/json');
  await store.write(refs.html, renderPlanReport(analysis), 'text/html; charset=utf-8');
  return analysis;
}
