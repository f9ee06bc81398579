import { DomainError } from '../errors';

/** One logged decision of a past randomized campaign. Actions are string keys 'offer|channel|level'; '' = no contact (control). */
export interface LoggedDecision {
  campaignId: string;
  loggedAction: string;
  reward: number; // realised reward of the logged action (e.g. margin on the response − contact cost − discount cost if converted)
  policyAction: string; // what the plan being evaluated would have done for this customer ('' = nothing)
  predictedLogged: number; // the reward model's prediction for the logged action (for DR; 0 if no model)
  predictedPolicy: number; // the reward model's prediction for the policy's action
}

export interface PolicyEstimate {
  estimator: 'ipw' | 'snipw' | 'dr';
  value: number; // estimated mean reward per customer under the policy
  low: number; // 95% confidence interval: low … high
  high: number;
  n: number; // logged decisions used
  matched: number; // of them, where loggedAction === policyAction
}

export interface OffPolicyReport {
  loggingValue: { value: number; low: number; high: number; n: number }; // what the past campaigns actually earned per customer
  estimates: PolicyEstimate[]; // ipw, snipw, dr in that order
  propensities: 'empirical-per-campaign';
  skippedCampaigns: { campaignId: string; reason: string }[]; // e.g. a campaign that never tried the policy's actions or has < 2 arms
}

/** Two-sided 95% quantile of the standard normal. */
const Z95 = 1.959963984540054;

interface UsedRow {
  readonly d: LoggedDecision;
  readonly propensity: number;
  readonly matched: boolean;
}

/**
 * Logging propensity of each action = its share of the campaign's rows (assignment was uniform at random within a campaign).
 *
 * What it assumes, and what the figures mean:
 * - Each past campaign assigned its customers to its arms (control included) at random, with the
 *   same chances for every customer, so an arm's share of the campaign's rows estimates its
 *   propensity. The empirical share is used rather than the design share because it is what the
 *   data holds; it also makes IPW of a constant policy equal that arm's mean within each campaign.
 * - The policy is the current plan applied to the customers who appear in the history, so every
 *   value is a mean reward per customer of those campaigns, comparable with `loggingValue`.
 *   Rewards must be measured the same way for every action, control included (a control
 *   customer who buys anyway earns the margin), or the comparison between actions is biased.
 * - A campaign is skipped when it randomized nothing (fewer than two arms) or when the plan picks,
 *   for any of its customers, an action the campaign never tried: there is no logged evidence for
 *   those customers, and IPW would silently count them as earning nothing. Whole campaigns go
 *   rather than single rows because dropping only the unsupported customers would choose the
 *   evaluated population by what the plan does to it.
 * - Intervals are normal approximations on the per-row contributions, treating the propensities
 *   as known. Estimating them from the same rows lowers the true variance, so the intervals err
 *   wide. With few matched rows the normal approximation is poor: read `matched` before trusting
 *   an interval.
 * - With no usable row every figure is 0 with `n: 0`; with no matched row the weighted
 *   estimators have nothing to average and report 0 with `matched: 0`.
 */
export function offPolicyReport(decisions: readonly LoggedDecision[]): OffPolicyReport {
  for (const d of decisions) assertFinite(d);
  const { used, skippedCampaigns } = usableRows(decisions);

  const rewards = used.map((row) => row.d.reward);
  const weights = used.map((row) => (row.matched ? 1 / row.propensity : 0));
  const matched = used.filter((row) => row.matched).length;
  const n = used.length;

  const ipw = used.map((row, i) => (weights[i] as number) * row.d.reward);
  const dr = used.map(
    (row, i) => row.d.predictedPolicy + (weights[i] as number) * (row.d.reward - row.d.predictedLogged),
  );

  return {
    loggingValue: { ...meanInterval(rewards), n },
    estimates: [
      { estimator: 'ipw', ...meanInterval(ipw), n, matched },
      { estimator: 'snipw', ...selfNormalized(rewards, weights), n, matched },
      { estimator: 'dr', ...meanInterval(dr), n, matched },
    ],
    propensities: 'empirical-per-campaign',
    skippedCampaigns,
  };
}

function usableRows(decisions: readonly LoggedDecision[]): {
  used: UsedRow[];
  skippedCampaigns: { campaignId: string; reason: string }[];
} {
  const byCampaign = new Map<string, LoggedDecision[]>();
  for (const d of decisions) {
    const rows = byCampaign.get(d.campaignId);
    if (rows) rows.push(d);
    else byCampaign.set(d.campaignId, [d]);
  }

  const used: UsedRow[] = [];
  const skippedCampaigns: { campaignId: string; reason: string }[] = [];
  for (const [campaignId, rows] of byCampaign) {
    const counts = new Map<string, number>();
    for (const d of rows) counts.set(d.loggedAction, (counts.get(d.loggedAction) ?? 0) + 1);

    if (counts.size < 2) {
      const only = [...counts.keys()][0] ?? '';
      skippedCampaigns.push({
        campaignId,
        reason: `only one arm (${describe(only)}) was logged, so nothing was randomized to compare against`,
      });
      continue;
    }
    const unsupported = rows.filter((d) => !counts.has(d.policyAction));
    const firstUnsupported = unsupported[0];
    if (firstUnsupported) {
      skippedCampaigns.push({
        campaignId,
        reason:
          `the plan picks actions this campaign never tried for ${unsupported.length} of its ${rows.length} ` +
          `customers (e.g. ${describe(firstUnsupported.policyAction)})`,
      });
      continue;
    }
    for (const d of rows) {
      used.push({
        d,
        propensity: (counts.get(d.loggedAction) as number) / rows.length,
        matched: d.loggedAction === d.policyAction,
      });
    }
  }
  return { used, skippedCampaigns };
}

const describe = (action: string): string => (action === '' ? 'no contact' : `'${action}'`);

function meanInterval(values: readonly number[]): { value: number; low: number; high: number } {
  if (values.length === 0) return { value: 0, low: 0, high: 0 };
  const value = mean(values);
  const half = Z95 * standardError(values, value);
  return { value, low: value - half, high: value + half };
}

/**
 * SNIPW = Σ w r / Σ w. Its interval is the delta method's: the mean of w (r − v̂) / w̄ has the
 * estimator's first-order error, so its standard error is the estimator's.
 */
function selfNormalized(
  rewards: readonly number[],
  weights: readonly number[],
): { value: number; low: number; high: number } {
  const totalWeight = weights.reduce((sum, w) => sum + w, 0);
  if (rewards.length === 0 || totalWeight === 0) return { value: 0, low: 0, high: 0 };
  const value = rewards.reduce((sum, r, i) => sum + (weights[i] as number) * r, 0) / totalWeight;
  const meanWeight = totalWeight / weights.length;
  const influence = rewards.map((r, i) => ((weights[i] as number) * (r - value)) / meanWeight);
  const half = Z95 * standardError(influence, mean(influence));
  return { value, low: value - half, high: value + half };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** A single row has no spread to measure; its interval collapses to the point rather than going NaN. */
function standardError(values: readonly number[], center: number): number {
  const n = values.length;
  if (n < 2) return 0;
  const squares = values.reduce((sum, v) => sum + (v - center) ** 2, 0);
  return Math.sqrt(squares / (n - 1) / n);
}

function assertFinite(d: LoggedDecision): void {
  for (const field of ['reward', 'predictedLogged', 'predictedPolicy'] as const) {
    if (!Number.isFinite(d[field])) {
      throw new DomainError(`off-policy: ${field} of a row of campaign ${d.campaignId} is ${d[field]}`);
    }
  }
}
