import type { CostReport } from '../../shared/domain/reporting/cost-report';
import type { RunRecord, RunSummary } from '../../shared/domain/runs/run-record';

export interface DemoSummary {
  readonly runId: string;
  readonly status: string;
  readonly wallSeconds: number;
  readonly run: RunRecord;
  readonly cost?: CostReport;
}

const money = (n: number, currency: string) =>
  `${currency} ${n.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const count = (n: number) => n.toLocaleString('en-GB');

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`).join('\n');
}

const figure = (n: number | null | undefined, digits = 3) =>
  n === null || n === undefined ? 'n/a' : n.toFixed(digits);

type Registry = NonNullable<NonNullable<RunSummary['customerModels']>['churn']>['registry'];

/** Which version scored, and on what held-out figure it won or kept the title. */
function registryNote(registry: Registry): string {
  if (!registry) return '';
  const challenger = `${registry.metric} ${figure(registry.challengerMetric)}`;
  return registry.champion
    ? `; champion (${challenger}${registry.championMetric === null ? '' : ` vs ${figure(registry.championMetric)}`})`
    : `; champion ${registry.version} kept (${figure(registry.championMetric)} vs this run's ${challenger})`;
}

/** The churn, value and lifetime models' lines: each model's out-of-fold figures, or why it was skipped. */
function customerModelLines(models: RunSummary['customerModels']): string[] {
  if (!models) return [];
  const { churn, value, lifetime } = models;
  return [
    ...(churn
      ? [
          `Churn model (90 days)             out-of-fold AUC ${figure(churn.outOfFoldAuc)}, calibration error ${figure(churn.calibrationError)} on ${count(churn.trainRows)} snapshots (churn rate ${(churn.churnRate * 100).toFixed(1)}%); flags at ${churn.threshold.toFixed(3)}${registryNote(churn.registry)}`,
        ]
      : []),
    ...(value
      ? [
          `Value model (180 days)            out-of-fold R² ${figure(value.r2)}, Spearman ${figure(value.spearman)}, top-decile capture ${figure(value.topDecileCapture)} on ${count(value.trainRows)} snapshots${registryNote(value.registry)}`,
        ]
      : []),
    ...(lifetime
      ? [
          `Lifetime (BG/NBD, weeks)          r ${figure(lifetime.r)}, alpha ${figure(lifetime.alpha)}, a ${figure(lifetime.a)}, b ${figure(lifetime.b)} on ${count(lifetime.customers)} customers${lifetime.spend ? `; Gamma-Gamma p ${figure(lifetime.spend.p)}, q ${figure(lifetime.spend.q)}, v ${figure(lifetime.spend.v)}` : ''}${registryNote(lifetime.registry)}`,
        ]
      : []),
    ...models.skipped.map((s) => `Skipped: the ${s.model} model       ${s.reason}`),
  ];
}

/** The run as a person reads it after `npm start`. */
export function formatSummary(s: DemoSummary): string {
  const run = s.run;
  const lines = [`\nRun ${s.runId}: ${s.status} (${s.wallSeconds} s wall)`];
  lines.push(
    '\nRows per file (rows in = accepted + rejected; rejected rows are in quarantine with their reasons):',
    table([
      ['dataset', 'in', 'accepted', 'rejected'],
      ...run.files.map((f) => [f.dataset, count(f.rowsIn), count(f.accepted), count(f.rejected)]),
    ]),
  );
  if (run.failure) {
    lines.push(`\nFailed in ${run.failure.stage}: ${run.failure.message}`);
    return lines.join('\n');
  }
  const summary = run.summary;
  if (!summary) return lines.join('\n');
  const currency = run.campaign.currency;
  lines.push(
    `\nSegments (k-means on RFM, as of ${summary.asOf}):`,
    table([
      ['segment', 'customers', 'revenue share', 'mean recency (d)', 'mean frequency'],
      ...summary.segments.map((g) => [
        g.name,
        count(g.customers),
        `${(g.revenueShare * 100).toFixed(1)}%`,
        g.meanRecencyDays < 0 ? '-' : g.meanRecencyDays.toFixed(0),
        g.meanFrequency.toFixed(1),
      ]),
    ]),
  );
  const plan = summary.plan;
  lines.push(
    `\nCustomers targeted per offer, channel and discount (${count(plan.targetedCustomers)} of ${count(plan.eligibleCustomers)} eligible; ${count(plan.holdoutCustomers)} held out as control):`,
    table([
      ['offer', 'channel', 'discount', 'customers', 'spend'],
      ...plan.byArm.map((a) => [
        a.offerId,
        a.channelId,
        a.discountPct === undefined ? '-' : `${a.discountPct}%`,
        count(a.customers),
        money(a.spend, currency),
      ]),
    ]),
    '',
    `Expected incremental conversions  ${plan.expectedIncrementalConversions.toFixed(1)}`,
    `Expected incremental revenue      ${money(plan.expectedIncrementalRevenue, currency)}`,
    `Expected incremental profit       ${money(plan.expectedIncrementalProfit, currency)}`,
    `Campaign cost                     ${money(plan.spend, currency)} of a ${money(plan.budget, currency)} budget (contacts ${money(plan.contactCost, currency)}, expected discounts ${money(plan.expectedDiscountCost, currency)})`,
    `Optimality certificate            primal ${plan.certificate.primal.toFixed(2)}, dual bound ${plan.certificate.dualBound.toFixed(2)}, gap ${(plan.certificate.gap * 100).toFixed(3)}%`,
    ...(plan.budgetCurve
      ? [
          `Budget curve                      next ${currency} of budget adds ${plan.budgetCurve.marginalProfitPerEuro.toFixed(3)} profit; knee at ${money(plan.budgetCurve.kneeBudget, currency)}; more than ${money(plan.budgetCurve.saturationBudget, currency)} buys nothing`,
        ]
      : []),
    `Response model                    ${summary.model.backend} backend, holdout AUC ${summary.model.holdoutAuc?.toFixed(3) ?? 'n/a'}, Qini ${summary.model.holdoutQini?.toFixed(3) ?? 'n/a'}`,
    ...(summary.model.responseBasis?.kind === 'propensity-prior'
      ? [`Uplift ASSUMED, not measured      ${summary.model.responseBasis.reason}`]
      : []),
    ...(summary.model.responseBasis?.kind === 'randomized-champion'
      ? [`Uplift from the champion          ${summary.model.responseBasis.reason}`]
      : []),
    ...(summary.featureCategories?.source === 'champion'
      ? [
          `Feature categories                the response champion ${summary.featureCategories.champion}'s, kept so it can score this batch`,
        ]
      : []),
    ...customerModelLines(summary.customerModels),
  );
  if (plan.comparison) {
    lines.push(
      "\nThe plan against the usual targeting rules, on the run's own estimates:",
      table([
        ['strategy', 'customers', 'spend', 'expected incremental profit'],
        ...plan.comparison.map((c) => [
          c.strategy,
          count(c.customers),
          money(c.spend, currency),
          money(c.expectedIncrementalProfit, currency),
        ]),
      ]),
    );
  }
  if (s.cost) {
    lines.push(
      `Run cost on AWS (list prices)     ${s.cost.aws.currency} ${s.cost.aws.total.toFixed(4)}`,
      table(
        s.cost.aws.lines
          .filter((l) => l.cost > 0)
          .map((l) => [
            l.service,
            l.item,
            `${l.quantity.toPrecision(4)} ${l.unit}`,
            `${s.cost?.aws.currency} ${l.cost.toFixed(6)}`,
          ]),
      ),
    );
  }
  return lines.join('\n');
}
