/**
 * Where a run keeps its artifacts in the lake bucket. The stages write them; readers that come
 * later (the scorecard, exports) find them here rather than each spelling the keys again.
 */
export const runArtifactKeys = (runId: string) =>
  ({
    catalog: `runs/${runId}/catalog.json`,
    /** Co-purchased product pairs and the new-offer suggestions drawn from them. */
    crossSell: `runs/${runId}/cross-sell.json`,
    segments: `runs/${runId}/segments.csv`,
    scores: `runs/${runId}/scores.csv`,
    /** Per customer: churn probability, 180-day value with its quantiles, and the BG/NBD lifetime figures. */
    customerValue: `runs/${runId}/customer-value.csv`,
    responseModel: `models/response/${runId}/`,
    /** Where the run's model is kept instead when the history had no control group. */
    propensityModel: `models/propensity/${runId}/`,
    plan: `runs/${runId}/plan.csv`,
    /** The plan's budget curve, strategy comparison, fairness and off-policy estimates (JSON). */
    planAnalysis: `runs/${runId}/plan-analysis.json`,
    /** The same, as a page with charts for finance and marketing. */
    planReport: `runs/${runId}/plan-report.html`,
    /** One row per customer: chosen action, runner-up, value, cost, price beaten, model version, inputs hash. */
    decisionLog: `runs/${runId}/decision-log.csv`,
    /** One file per channel for the e-mail, SMS, push and mail systems. */
    exportsPrefix: `exports/${runId}/`,
    /** The segment centroids of this run, which the next run matches its segments to. */
    segmentCentroids: `runs/${runId}/segment-centroids.json`,
    costReport: `runs/${runId}/cost-report.json`,
  }) as const;

/**
 * A partner's standing do-not-contact list (`customer_id` column, any other columns ignored),
 * kept in the lake beside the runs; every plan leaves the customers on it alone.
 */
export const suppressionListKey = (partner: string) => `suppressions/${partner}.csv`;

/** The latest segment centroids per partner: the next run of that partner keeps segment ids stable by matching to them. */
export const latestSegmentCentroidsKey = (partner: string) => `segments/${partner}/latest-centroids.json`;
