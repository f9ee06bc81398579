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
    responseModel: `models/response/${runId}/`,
    plan: `runs/${runId}/plan.csv`,
    costReport: `runs/${runId}/cost-report.json`,
  }) as const;
