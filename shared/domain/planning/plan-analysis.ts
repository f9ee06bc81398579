import { z } from 'zod';
import { responseBasis } from '../runs/run-state';

/**
 * What a run's plan is worth and how it was reached, beyond the plan itself: the certificate, the
 * budget curve, the baselines on the run's own estimates, fairness, and what off-policy
 * evaluation on the randomized history says the plan would have earned. Written once per run as
 * JSON; the API and the report page read it back through this schema.
 */

const curvePoint = z.object({
  budget: z.number(),
  spend: z.number(),
  profit: z.number(),
  customers: z.number().int(),
  marginalProfitPerEuro: z.number(),
  gap: z.number(),
});

const strategyFigures = z.object({
  strategy: z.enum(['broadcast', 'propensity', 'expected_value', 'plan']),
  label: z.string(),
  customers: z.number().int(),
  spend: z.number(),
  expectedIncrementalConversions: z.number(),
  expectedIncrementalProfit: z.number(),
  roi: z.number().nullable(),
});

const groupFigures = z.object({
  group: z.string(),
  customers: z.number().int(),
  offerRate: z.number(),
  meanDiscountPct: z.number(),
  meanExpectedValue: z.number(),
  disparateImpact: z.number().nullable(),
});

const attributeFairness = z.object({
  attribute: z.enum(['gender', 'age_band', 'region']),
  groups: z.array(groupFigures),
  minDisparateImpact: z.number().nullable(),
  passesFourFifths: z.boolean().nullable(),
});

const interval = z.object({ value: z.number(), low: z.number(), high: z.number() });

const policyEstimate = interval.extend({
  estimator: z.enum(['ipw', 'snipw', 'dr']),
  n: z.number().int(),
  matched: z.number().int(),
});

const offPolicyReport = z.object({
  loggingValue: interval.extend({ n: z.number().int() }),
  estimates: z.array(policyEstimate),
  propensities: z.literal('empirical-per-campaign'),
  skippedCampaigns: z.array(z.object({ campaignId: z.string(), reason: z.string() })),
});

const segmentDiscountResponse = z.object({
  segment: z.string(),
  /** What each level's uplift is over: the segment's control group, or (none in the history) its lowest level. */
  baseline: z.enum(['control', 'lowest_level']).default('control'),
  controls: z.number().int(),
  controlRate: z.number(),
  levels: z.array(
    z.object({
      discountPct: z.number(),
      contacts: z.number().int(),
      conversionRate: z.number(),
      uplift: z.number(),
      upliftLow: z.number(),
      upliftHigh: z.number(),
    }),
  ),
  upliftPerDiscountPoint: z.number().nullable(),
});

export const planAnalysis = z.object({
  runId: z.string(),
  currency: z.string(),
  budget: z.number(),
  certificate: z.object({ primal: z.number(), dualBound: z.number(), gap: z.number(), lambda: z.number() }),
  budgetCurve: z.object({
    points: z.array(curvePoint),
    saturationBudget: z.number(),
    maxProfit: z.number(),
    knee: curvePoint,
  }),
  /** Where the scores' uplift came from; absent on analyses from before the no-control fallback. */
  responseBasis: responseBasis.optional(),
  /** At the run's budget: what one more unit of budget would add to expected profit. */
  marginalProfitPerEuro: z.number(),
  /**
   * What the expected-value baseline ranked by: churn model × value model, or (runs without them)
   * the chance of no response without contact × the past year's revenue.
   */
  expectedValueBasis: z
    .enum(['churn_and_value_models', 'no_contact_response_and_past_revenue'])
    .default('no_contact_response_and_past_revenue'),
  comparison: z.array(strategyFigures),
  fairness: z.array(attributeFairness),
  /** Present when the campaign asked for parity: what it took and what it cost. */
  parity: z
    .object({
      attribute: z.enum(['gender', 'age_band', 'region']),
      minRatio: z.number(),
      achieved: z.boolean(),
      costOfParity: z.number(),
      minDisparateImpact: z.number().nullable(),
    })
    .nullable(),
  offPolicy: z.discriminatedUnion('status', [
    z.object({
      status: z.literal('estimated'),
      /** Mean reward per customer of the history's customers, under the plan and under no contact. */
      plan: offPolicyReport,
      noContact: offPolicyReport,
      /** The plan's own expectation, per eligible customer, to set beside the estimates. */
      expectedIncrementalProfitPerCustomer: z.number(),
    }),
    z.object({ status: z.literal('not-estimated'), reason: z.string() }),
  ]),
  /** Response by discount level per segment in the randomized history (price elasticity). */
  discountResponse: z.array(segmentDiscountResponse).default([]),
});
export type PlanAnalysis = z.infer<typeof planAnalysis>;
