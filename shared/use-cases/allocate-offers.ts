import { solveAllocation } from '../domain/allocation';
import { runArtifactKeys } from '../domain/runs/run-artifacts';
import type { PlanSummary, RunState } from '../domain/runs/run-state';
import type { StageResult } from '../lambda/pipeline-stage';
import type { ObjectStore } from '../ports/object-store';
import { readCsvObjects, writeCsvObjects } from './csv-objects';
import { analysePlan } from './plan/analyse-plan';
import { driversOf } from './plan/customer-terms';
import { planChoices, planTotals } from './plan/plan-choices';
import {
  customerInputsHash,
  PLAN_COLUMNS,
  planRow,
  writeChannelExports,
  writeDecisionLog,
} from './plan/plan-files';
import { driverNames, readPlanInputs } from './plan/plan-inputs';
import { planSendWindows } from './plan/send-windows';

export { PLAN_COLUMNS };

export interface AllocateDeps {
  readonly store: ObjectStore;
  readonly lakeBucket: string;
}

async function readSegmentNames(store: ObjectStore, state: RunState): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const segments = state.stages.segment?.segments;
  if (!segments) throw new Error('allocate needs the segment output');
  for await (const r of readCsvObjects(store, segments)) names.set(r.customer_id ?? '', r.segment_name ?? '');
  return names;
}

/**
 * Builds the run's plan: every eligible customer × action (offer, channel, discount level) becomes
 * an option valued by expected incremental profit; a random holdout is kept out; the Lagrangian
 * solver picks at most one option per customer under the budget and the channel and offer
 * capacities. Beside the plan it writes the decision log, one export per channel, and the
 * analysis (certificate, budget curve, strategy comparison, fairness, off-policy estimate).
 */
export async function allocateOffers(state: RunState, deps: AllocateDeps): Promise<StageResult<'allocate'>> {
  const { features, score } = state.stages;
  if (!features || !score) throw new Error('allocate needs the features and score outputs');
  const { budget, holdoutFraction, seed, sendDate } = state.campaign;
  const bucket = deps.lakeBucket;
  const keys = runArtifactKeys(state.runId);
  const inputs = await readPlanInputs(state, deps.store, bucket);
  const segments = await readSegmentNames(deps.store, state);
  const problem = inputs.options.toProblem(
    budget,
    Float64Array.from(inputs.catalog.channels, (c) => c.capacityPerDay),
    Float64Array.from(inputs.catalog.offers, (o) => o.maxVolume ?? Number.POSITIVE_INFINITY),
  );
  const result = solveAllocation(problem);
  const choices = planChoices(inputs, result);
  const shadowPrice = result.certificate.lambda;
  const segmentOf = (customerId: string) => segments.get(customerId) ?? '';
  const sendWindows = planSendWindows(choices, inputs.terms, segmentOf);
  const drivers = driversOf(inputs.terms, driverNames(score));

  const plan = { bucket, key: keys.plan };
  await writeCsvObjects(
    deps.store,
    plan,
    PLAN_COLUMNS,
    choices.map((c) =>
      planRow(
        c,
        segmentOf(c.customerId),
        sendWindows[c.index] ?? '',
        shadowPrice,
        c.action ? drivers(c.customerId) : [],
        inputs.outlook.get(c.customerId),
      ),
    ),
  );
  const decisionLog = { bucket, key: keys.decisionLog };
  await writeDecisionLog(
    deps.store,
    decisionLog,
    choices,
    (i) => {
      const candidate = inputs.candidates[i];
      return candidate ? customerInputsHash(candidate, inputs.terms.get(candidate.customerId)) : '';
    },
    { runId: state.runId, seed, holdoutFraction, modelVersion: score.modelPrefix.key, shadowPrice },
  );
  const exports = await writeChannelExports(
    deps.store,
    bucket,
    keys.exportsPrefix,
    choices,
    sendWindows,
    sendDate,
  );
  const analysisRefs = { json: { bucket, key: keys.planAnalysis }, html: { bucket, key: keys.planReport } };
  const analysis = await analysePlan(deps.store, analysisRefs, {
    runId: state.runId,
    campaign: state.campaign,
    inputs,
    problem,
    result,
    choices,
    trainingSet: features.trainingSet,
    responseBasis: score.responseBasis,
    segmentOf,
  });

  const totals = planTotals(choices);
  const heldOut = inputs.candidates.filter((c) => c.heldOut).length;
  const summary: PlanSummary = {
    ...totals,
    eligibleCustomers: inputs.candidates.length - heldOut,
    holdoutCustomers: heldOut,
    budget,
    certificate: analysis.certificate,
    budgetCurve: {
      marginalProfitPerEuro: analysis.marginalProfitPerEuro,
      saturationBudget: analysis.budgetCurve.saturationBudget,
      kneeBudget: analysis.budgetCurve.knee.budget,
      maxProfit: analysis.budgetCurve.maxProfit,
    },
    comparison: analysis.comparison.map((s) => ({
      strategy: s.strategy,
      customers: s.customers,
      spend: s.spend,
      expectedIncrementalProfit: s.expectedIncrementalProfit,
    })),
    analysis: analysisRefs.json,
    report: analysisRefs.html,
    decisionLog,
    exports,
  };
  return {
    output: { plan, summary },
    counts: {
      customers: inputs.candidates.length,
      options: inputs.options.size,
      ineligibleOptions: inputs.ineligible,
      suppressed: inputs.suppressed,
      contactPolicyBlocked: inputs.contactPolicyBlocked,
      belowMinRoiOptions: inputs.belowMinRoi,
      targeted: totals.targetedCustomers,
      holdout: heldOut,
    },
  };
}
