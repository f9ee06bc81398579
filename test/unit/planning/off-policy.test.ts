import { describe, expect, it } from 'vitest';
import {
  type LoggedDecision,
  offPolicyReport,
  type PolicyEstimate,
} from '#shared/domain/planning/off-policy';

const Z = 1.959963984540054;

/** mulberry32: a small seeded generator, so every simulated log is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Three arms over three segments. A response earns a margin of 20 (50 × 0.4); A pays a 10% discount
// (5) to every redeemer and 0.1 per e-mail, B pays 0.5 per SMS, control pays nothing.
const ARMS = ['', 'A|email|10', 'B|sms|0'] as const;
const TERMS: Record<string, { p: readonly number[]; discount: number; contact: number }> = {
  '': { p: [0.05, 0.1, 0.2], discount: 0, contact: 0 },
  'A|email|10': { p: [0.3, 0.15, 0.22], discount: 5, contact: 0.1 },
  'B|sms|0': { p: [0.1, 0.3, 0.21], discount: 0, contact: 0.5 },
};
const terms = (action: string) =>
  TERMS[action] as { p: readonly number[]; discount: number; contact: number };
const pOf = (action: string, segment: number): number => terms(action).p[segment] as number;
const trueMean = (action: string, segment: number): number =>
  pOf(action, segment) * (20 - terms(action).discount) - terms(action).contact;
const realised = (action: string, converted: boolean): number =>
  (converted ? 20 - terms(action).discount : 0) - terms(action).contact;
/** An arm drawn with cumulative shares [control, control + A]. */
const arm = (u: number, shares: readonly number[]): string =>
  ARMS[u < (shares[0] as number) ? 0 : u < (shares[1] as number) ? 1 : 2] as string;

/** The best action per segment under the true means: A, B, A. */
const bestPolicy = (segment: number): string =>
  [...ARMS].sort((a, b) => trueMean(b, segment) - trueMean(a, segment))[0] as string;

/**
 * Two randomized campaigns with different arm shares (C1: 20/40/40, C2: equal thirds).
 * `model(action, segment)` is the reward model DR sees; `truth` is the policy's mean true reward
 * over the customers drawn, the quantity the estimators target.
 */
function simulate(
  seed: number,
  n: number,
  policy: (segment: number, next: () => number, shares: readonly number[]) => string,
  model: (action: string, segment: number) => number = trueMean,
): { decisions: LoggedDecision[]; truth: number } {
  const next = rng(seed);
  const decisions: LoggedDecision[] = [];
  let truth = 0;
  for (let i = 0; i < n; i++) {
    const campaignId = i % 2 === 0 ? 'C1' : 'C2';
    const segment = Math.floor(next() * 3);
    const shares = campaignId === 'C1' ? [0.2, 0.6] : [1 / 3, 2 / 3];
    const loggedAction = arm(next(), shares);
    const policyAction = policy(segment, next, shares);
    truth += trueMean(policyAction, segment);
    decisions.push({
      campaignId,
      loggedAction,
      reward: realised(loggedAction, next() < pOf(loggedAction, segment)),
      policyAction,
      predictedLogged: model(loggedAction, segment),
      predictedPolicy: model(policyAction, segment),
    });
  }
  return { decisions, truth: truth / n };
}

const byName = (estimates: PolicyEstimate[], name: PolicyEstimate['estimator']): PolicyEstimate =>
  estimates.find((e) => e.estimator === name) as PolicyEstimate;

describe('offPolicyReport on a simulated randomized history', () => {
  const { decisions, truth } = simulate(20260501, 20_000, bestPolicy);
  const report = offPolicyReport(decisions);

  it('puts the true value of the plan inside every estimator’s interval', () => {
    expect(report.estimates.map((e) => e.estimator)).toEqual(['ipw', 'snipw', 'dr']);
    for (const e of report.estimates) {
      expect(e.low).toBeLessThanOrEqual(truth);
      expect(e.high).toBeGreaterThanOrEqual(truth);
      expect(e.n).toBe(20_000);
    }
    expect(report.skippedCampaigns).toEqual([]);
    expect(report.propensities).toBe('empirical-per-campaign');
  });

  it('shows the plan beating what the randomized campaigns earned', () => {
    const dr = byName(report.estimates, 'dr');
    expect(dr.low).toBeGreaterThan(report.loggingValue.high);
    expect(report.loggingValue.n).toBe(20_000);
  });

  it('gives DR a narrower interval than IPW when the reward model is good', () => {
    // A perfect mean model removes only the spread between arms and segments; each reward's own
    // conversion noise stays, which bounds the gain here to about 10%.
    const width = (e: PolicyEstimate) => e.high - e.low;
    expect(width(byName(report.estimates, 'dr'))).toBeLessThan(0.95 * width(byName(report.estimates, 'ipw')));
  });

  it('keeps DR unbiased under a wrong reward model, the propensities being right', () => {
    const offset = simulate(20260501, 20_000, bestPolicy, (a, s) => trueMean(a, s) + 3);
    const dr = byName(offPolicyReport(offset.decisions).estimates, 'dr');
    expect(dr.low).toBeLessThanOrEqual(offset.truth);
    expect(dr.high).toBeGreaterThanOrEqual(offset.truth);
  });

  it('reduces DR to IPW when there is no reward model', () => {
    const blind = simulate(7, 2000, bestPolicy, () => 0);
    const estimates = offPolicyReport(blind.decisions).estimates;
    const ipw = byName(estimates, 'ipw');
    const dr = byName(estimates, 'dr');
    expect(dr.value).toBeCloseTo(ipw.value, 10);
    expect(dr.high - dr.low).toBeCloseTo(ipw.high - ipw.low, 10);
  });

  it('covers the truth about 95% of the time over many histories', () => {
    const covered = { ipw: 0, snipw: 0, dr: 0 };
    const runs = 200;
    for (let r = 0; r < runs; r++) {
      const sim = simulate(1000 + r, 1500, bestPolicy);
      for (const e of offPolicyReport(sim.decisions).estimates) {
        if (e.low <= sim.truth && sim.truth <= e.high) covered[e.estimator] += 1;
      }
    }
    // Binomial sd of the rate at 200 runs is 0.015; 0.9 is more than 3 sd below 0.95.
    for (const count of Object.values(covered)) expect(count / runs).toBeGreaterThanOrEqual(0.9);
  });

  it('estimates a policy that acts like the logging policy at the logging value', () => {
    // Drawn afresh with the campaign's own shares, independently of the logged assignment.
    const mimic = simulate(99, 20_000, (_segment, next, shares) => arm(next(), shares));
    const mimicReport = offPolicyReport(mimic.decisions);
    const logged = mimicReport.loggingValue;
    expect(logged.low).toBeLessThanOrEqual(mimic.truth);
    expect(logged.high).toBeGreaterThanOrEqual(mimic.truth);
    for (const e of mimicReport.estimates) {
      expect(Math.abs(e.value - logged.value)).toBeLessThan(e.high - e.value);
    }
  });
});

describe('offPolicyReport by hand', () => {
  const row = (
    campaignId: string,
    loggedAction: string,
    reward: number,
    policyAction: string,
    predictedLogged = 0,
    predictedPolicy = 0,
  ): LoggedDecision => ({ campaignId, loggedAction, reward, policyAction, predictedLogged, predictedPolicy });

  // p(A) = 3/5, p(control) = 2/5; rows 1, 3 and 4 match the policy.
  const tiny = [
    row('C', 'A', 10, 'A', 8, 8),
    row('C', 'A', 0, '', 6, 1),
    row('C', 'A', 4, 'A', 5, 5),
    row('C', '', 2, '', 1, 1),
    row('C', '', 0, 'A', 1, 4),
  ];

  it('matches the hand-computed IPW, SNIPW and DR values and intervals', () => {
    const report = offPolicyReport(tiny);
    const [ipw, snipw, dr] = report.estimates as [PolicyEstimate, PolicyEstimate, PolicyEstimate];
    // IPW: (10/0.6 + 4/0.6 + 2/0.4) / 5; contributions 50/3, 0, 20/3, 5, 0 with squared deviations 560/3.
    expect(ipw.value).toBeCloseTo(17 / 3, 12);
    expect(ipw.high - ipw.value).toBeCloseTo(Z * Math.sqrt(560 / 3 / 4 / 5), 12);
    // SNIPW: (85/3) / (35/6); influence 360/49, 0, −60/49, −300/49, 0.
    expect(snipw.value).toBeCloseTo(34 / 7, 12);
    expect(snipw.value - snipw.low).toBeCloseTo(Z * Math.sqrt(223_200 / 2401 / 4 / 5), 12);
    // DR: (8 + 2/0.6) + 1 + (5 − 1/0.6) + (1 + 1/0.4) + 4, over 5.
    expect(dr.value).toBeCloseTo(139 / 30, 12);
    expect(report.loggingValue.value).toBeCloseTo(3.2, 12);
    for (const e of report.estimates) expect([e.n, e.matched]).toEqual([5, 3]);
  });

  it('gives a constant policy its arm’s mean within each campaign, weighted by campaign size', () => {
    const log = [
      row('C1', 'A', 10, 'A'),
      row('C1', 'A', 2, 'A'),
      row('C1', '', 1, 'A'),
      row('C2', 'A', 6, 'A'),
      row('C2', '', 0, 'A'),
      row('C2', '', 3, 'A'),
      row('C2', '', 3, 'A'),
    ];
    // C1: A averages 6 over 3 customers; C2: A earns 6 over 4 customers.
    const [ipw, snipw] = offPolicyReport(log).estimates as [PolicyEstimate, PolicyEstimate];
    expect(ipw.value).toBeCloseTo((6 * 3 + 6 * 4) / 7, 12);
    expect(snipw.value).toBeCloseTo(6, 12);
  });

  it('skips campaigns that randomized nothing or never tried what the plan does', () => {
    const report = offPolicyReport([
      ...tiny,
      row('ONE-ARM', 'A', 5, 'A'),
      row('ONE-ARM', 'A', 7, 'A'),
      row('NEW-OFFER', 'A', 5, 'A'),
      row('NEW-OFFER', '', 1, 'B'),
    ]);
    expect(report.skippedCampaigns.map((s) => s.campaignId)).toEqual(['ONE-ARM', 'NEW-OFFER']);
    expect(report.skippedCampaigns[0]?.reason).toMatch(/only one arm \('A'\)/);
    expect(report.skippedCampaigns[1]?.reason).toMatch(/never tried for 1 of its 2 customers \(e\.g\. 'B'\)/);
    expect(report.estimates[0]?.value).toBeCloseTo(17 / 3, 12);
    expect(report.loggingValue.n).toBe(5);
  });

  it('names no contact plainly in a skip reason', () => {
    const report = offPolicyReport([row('X', 'A', 1, ''), row('X', 'B', 1, 'A')]);
    expect(report.skippedCampaigns[0]?.reason).toMatch(/\(e\.g\. no contact\)/);
  });

  it.each([
    ['an empty log', []],
    ['a log whose every campaign is skipped', [row('ONE-ARM', 'A', 5, 'A')]],
  ])('reports zeros with n = 0 for %s, never NaN', (_name, log: LoggedDecision[]) => {
    const report = offPolicyReport(log);
    expect(report.loggingValue).toEqual({ value: 0, low: 0, high: 0, n: 0 });
    expect(report.estimates).toEqual(
      (['ipw', 'snipw', 'dr'] as const).map((estimator) => ({
        estimator,
        value: 0,
        low: 0,
        high: 0,
        n: 0,
        matched: 0,
      })),
    );
  });

  it('stays finite when no logged action matches the plan', () => {
    const report = offPolicyReport([row('C', 'A', 3, ''), row('C', '', 1, 'A')]);
    for (const e of report.estimates) {
      expect(e.matched).toBe(0);
      expect([e.value, e.low, e.high].every(Number.isFinite)).toBe(true);
    }
  });

  it('refuses a non-finite reward or prediction', () => {
    expect(() => offPolicyReport([row('C', 'A', Number.NaN, 'A'), row('C', '', 0, 'A')])).toThrow(/reward/);
    expect(() => offPolicyReport([row('C', 'A', 1, 'A', Number.POSITIVE_INFINITY)])).toThrow(
      /predictedLogged/,
    );
  });
});
