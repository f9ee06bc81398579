/**
 * One line of the model scorecard (`npm run eval`): a figure measured on one dataset, beside the
 * reference it must meet or beat. Every section of the scorecard (Hillstrom uplift, UCI churn and value,
 * CDNOW lifetime value, the synthetic world) returns these rows, or says why it was skipped.
 */
export interface ScorecardRow {
  /** e.g. "hillstrom", "online_retail", "cdnow", "synthetic". */
  dataset: string;
  /** What was measured on, e.g. "Womens E-Mail vs No E-Mail, visit". */
  task: string;
  /** e.g. "t-learner (tfjs logistic)", "tarnet", "bg/nbd". */
  model: string;
  /** e.g. "qini", "uplift@30%", "roc_auc", "r2". */
  metric: string;
  value: number;
  /** Standard deviation over repeated splits or folds, when the figure is a mean. */
  sd?: number;
  /** The published or baseline figure under the same protocol. */
  reference?: number;
  /** The figure the issue asks for; `met` compares against it (or against `reference` when absent). */
  target?: number;
  /** Whether higher is better for this metric; decides `met`. */
  higherIsBetter: boolean;
  /** For a figure where closeness is the goal (e.g. a parameter within 1% of the published one). */
  tolerance?: { relative: number };
}

export interface SkippedSection {
  dataset: string;
  skipped: string;
}

export type ScorecardSection = { dataset: string; rows: ScorecardRow[] } | SkippedSection;

/** Whether a row reaches its target (or reference); undefined when it has neither. */
export function rowMeetsTarget(row: ScorecardRow): boolean | undefined {
  const goal = row.target ?? row.reference;
  if (goal === undefined || !Number.isFinite(row.value)) return goal === undefined ? undefined : false;
  if (row.tolerance) return Math.abs(row.value - goal) <= row.tolerance.relative * Math.abs(goal);
  return row.higherIsBetter ? row.value >= goal : row.value <= goal;
}
