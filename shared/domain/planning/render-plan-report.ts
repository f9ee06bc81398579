import { formatNumber, formatPercent } from '../quality/format';
import { html, type SafeHtml } from '../quality/html';
import { reportPage } from '../quality/render-report';
import type { PlanAnalysis } from './plan-analysis';
import { budgetCurveChart, strategyComparisonChart } from './plan-charts';

/**
 * The plan's report page for finance and marketing: how close to optimal the plan is, what more
 * or less budget would buy, how it compares with the usual targeting rules, whom it serves, and
 * what the history says it would have earned. Self-contained: inline SVG, no scripts.
 */

const money = (value: number, currency: string) => `${formatNumber(Number(value.toFixed(2)))} ${currency}`;

function comparisonTable(a: PlanAnalysis): SafeHtml {
  return html`<table><thead><tr><th>strategy</th><th class="num">customers</th><th class="num">spend</th><th class="num">expected incremental conversions</th><th class="num">expected incremental profit</th><th class="num">ROI</th></tr></thead><tbody>
${a.comparison.map(
  (s) =>
    html`<tr><td>${s.label}</td><td class="num">${formatNumber(s.customers)}</td><td class="num">${money(s.spend, a.currency)}</td><td class="num">${formatNumber(Number(s.expectedIncrementalConversions.toFixed(1)))}</td><td class="num">${money(s.expectedIncrementalProfit, a.currency)}</td><td class="num">${s.roi === null ? '–' : formatNumber(Number(s.roi.toFixed(2)))}</td></tr>`,
)}
</tbody></table>`;
}

function fairnessSection(a: PlanAnalysis): SafeHtml {
  const parity = a.parity;
  return html`${a.fairness.map(
    (
      f,
    ) => html`<h3>${f.attribute}${f.passesFourFifths === false ? html` <span class="badge bad">below four-fifths</span>` : ''}</h3>
<table><thead><tr><th>group</th><th class="num">customers</th><th class="num">offer rate</th><th class="num">mean discount</th><th class="num">expected value per customer</th><th class="num">disparate impact</th></tr></thead><tbody>
${f.groups.map(
  (g) =>
    html`<tr><td>${g.group}</td><td class="num">${formatNumber(g.customers)}</td><td class="num">${formatPercent(g.offerRate)}</td><td class="num">${formatNumber(Number(g.meanDiscountPct.toFixed(1)))} %</td><td class="num">${money(g.meanExpectedValue, a.currency)}</td><td class="num">${g.disparateImpact === null ? '–' : g.disparateImpact.toFixed(2)}</td></tr>`,
)}
</tbody></table>`,
  )}
${
  parity
    ? html`<p>Parity on ${parity.attribute} at ${parity.minRatio}: ${parity.achieved ? 'reachable' : 'not reachable'}; it would cost ${money(parity.costOfParity, a.currency)} of expected profit (lowest ratio ${parity.minDisparateImpact === null ? '–' : parity.minDisparateImpact.toFixed(2)}). The plan above is the unconstrained one.</p>`
    : html`<p class="muted">No parity constraint was asked for; the campaign's <code>parity</code> setting adds one and reports its cost.</p>`
}`;
}

function offPolicySection(a: PlanAnalysis): SafeHtml {
  const ope = a.offPolicy;
  if (ope.status === 'not-estimated') return html`<p>Not estimated: ${ope.reason}.</p>`;
  const none = new Map(ope.noContact.estimates.map((e) => [e.estimator, e]));
  return html`<p>Mean profit per customer of the history's customers, had the past campaigns followed this plan, against contacting no one (logging propensities: the arm shares within each campaign and consent set). The plan itself expects ${money(ope.expectedIncrementalProfitPerCustomer, a.currency)} of incremental profit per eligible customer. The past campaigns earned ${money(ope.plan.loggingValue.value, a.currency)} per customer.</p>
<table><thead><tr><th>estimator</th><th class="num">plan</th><th class="num">95 % interval</th><th class="num">no contact</th><th class="num">matched rows</th></tr></thead><tbody>
${ope.plan.estimates.map((e) => {
  const base = none.get(e.estimator);
  return html`<tr><td>${e.estimator.toUpperCase()}</td><td class="num">${money(e.value, a.currency)}</td><td class="num">${money(e.low, a.currency)} – ${money(e.high, a.currency)}</td><td class="num">${base ? money(base.value, a.currency) : '–'}</td><td class="num">${formatNumber(e.matched)} of ${formatNumber(e.n)}</td></tr>`;
})}
</tbody></table>`;
}

function discountSection(a: PlanAnalysis): SafeHtml {
  if (a.discountResponse.length === 0) return html`<p>No randomized history to read it from.</p>`;
  const pct = (x: number) => formatPercent(x);
  return html`<table><thead><tr><th>segment</th><th class="num">level</th><th class="num">contacts</th><th class="num">conversion</th><th class="num">uplift over control (95 %)</th><th class="num">uplift per discount point</th></tr></thead><tbody>
${a.discountResponse.map((s) => [
  html`<tr><td>${s.segment}</td><td class="num">${s.baseline === 'control' ? 'control' : 'no control: uplift over the lowest level'}</td><td class="num">${formatNumber(s.controls)}</td><td class="num">${pct(s.controlRate)}</td><td class="num">–</td><td class="num">${s.upliftPerDiscountPoint === null ? '–' : pct(s.upliftPerDiscountPoint)}</td></tr>`,
  s.levels.map(
    (l) =>
      html`<tr><td></td><td class="num">${l.discountPct} %</td><td class="num">${formatNumber(l.contacts)}</td><td class="num">${pct(l.conversionRate)}</td><td class="num">${pct(l.uplift)} (${pct(l.upliftLow)} – ${pct(l.upliftHigh)})</td><td></td></tr>`,
  ),
])}
</tbody></table>`;
}

/** A plan scored without a control group stands on an assumption; the page says so before any figure. */
function responseBasisNote(a: PlanAnalysis): SafeHtml {
  const basis = a.responseBasis;
  if (basis?.kind === 'randomized-champion') {
    return html`<p class="meta"><strong>Uplift from the response champion ${basis.champion}.</strong> ${basis.reason}. Its uplift was measured against a control group in that history; run a campaign with a randomized control group to measure it on these customers.</p>
`;
  }
  if (basis?.kind !== 'propensity-prior') return html``;
  return html`<p class="warning"><strong>Uplift is assumed, not measured.</strong> ${basis.reason}. Every expected incremental figure below scales with that share; run a campaign with a randomized control group to measure it.</p>
`;
}

export function renderPlanReport(a: PlanAnalysis): string {
  const c = a.certificate;
  return reportPage(
    `Campaign plan: ${a.runId}`,
    html`<h1>Campaign plan: ${a.runId}</h1>
${responseBasisNote(a)}<p class="meta">Budget ${money(a.budget, a.currency)}. Expected incremental profit ${money(c.primal, a.currency)}; no plan under these constraints can expect more than ${money(c.dualBound, a.currency)} (gap ${formatPercent(c.gap)}).</p>
<h2>Budget curve</h2>
<p>More budget buys nothing beyond ${money(a.budgetCurve.saturationBudget, a.currency)} (best profit ${money(a.budgetCurve.maxProfit, a.currency)}); the knee is at ${money(a.budgetCurve.knee.budget, a.currency)}. At this run's budget the next unit of budget adds ${formatNumber(Number(a.marginalProfitPerEuro.toFixed(3)))} ${a.currency} of expected profit.</p>
${budgetCurveChart(a.budgetCurve, a.budget, a.currency)}
<h2>Strategy comparison (the run's own estimates)</h2>
${strategyComparisonChart(a.comparison, a.currency)}
${comparisonTable(a)}
<p class="meta">${a.expectedValueBasis === 'churn_and_value_models' ? "The expected-value rule ranks by this run's churn model × 180-day value model, times the tier retention rate." : "This run had no churn and value scores, so the expected-value rule ranks by the chance of no response without contact × the past year's revenue."}</p>
<h2>Fairness</h2>
${fairnessSection(a)}
<h2>Off-policy evaluation on the campaign history</h2>
${offPolicySection(a)}
<h2>Response by discount level (randomized history, today's segments)</h2>
${discountSection(a)}`,
  );
}
