import { html, SafeHtml } from '../quality/html';
import { reportPage } from '../quality/render-report';
import { type LineSeries, lineChart } from '../quality/svg-charts';
import type { Scorecard, StrategyRow } from './scorecard';
import { STRATEGIES, STRATEGY_LABELS } from './strategies';

/** The scorecard as one self-contained page (inline SVG, no scripts) and as a console table. */

const money = (x: number) =>
  x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = (x: number | null) => (x === null ? '–' : `${x.toFixed(1)}%`);
const fixed = (x: number | null, digits: number) => (x === null ? '–' : x.toFixed(digits));

function allRows(card: Scorecard): StrategyRow[] {
  return card.engine ? [card.engine, ...card.rows] : [...card.rows];
}

function strategyTable(card: Scorecard): SafeHtml {
  const body = allRows(card).map(
    (r) => html`<tr${r.name === 'engine' ? new SafeHtml(' class="engine"') : ''}><td>${r.label}</td>
<td class="num">${percent(r.percentOfOracle)}</td><td class="num">${money(r.figures.incrementalProfit)}</td>
<td class="num">${money(r.figures.incrementalRevenue)}</td><td class="num">${r.figures.incrementalConversions.toFixed(1)}</td>
<td class="num">${money(r.figures.spend)}</td><td class="num">${fixed(r.figures.roi, 2)}</td>
<td class="num">${r.figures.contacted.toLocaleString('en-US')}</td><td>${r.figures.breaches.join('; ')}</td></tr>`,
  );
  return html`<div class="scroll"><table><thead><tr><th>strategy</th><th class="num">% of oracle</th><th class="num">incremental profit</th><th class="num">incremental revenue</th><th class="num">incremental conversions</th><th class="num">spend</th><th class="num">ROI</th><th class="num">contacted</th><th>limits broken</th></tr></thead><tbody>${body}</tbody></table></div>`;
}

/** What the plan's extra spend under the truth bought, or '' when it kept to the budget. */
export function sameSpendNote(card: Scorecard): string {
  const engine = card.engine;
  if (!engine || engine.atPlanSpend.spend <= card.budget) return '';
  const { spend, oracleProfit, percentOfOracle } = engine.atPlanSpend;
  return `Under the truth the plan spends ${money(spend)} against the budget of ${money(card.budget)} (more customers redeem its discounts than it expected); the oracle given ${money(spend)} earns ${money(oracleProfit)}, of which the plan earns ${percent(percentOfOracle)}.`;
}

function budgetChart(card: Scorecard): SafeHtml {
  const series: LineSeries[] = STRATEGIES.map((name) => ({
    label: STRATEGY_LABELS[name],
    points: card.budgetCurve.map((p) => ({ x: p.budget, y: p.profit[name] })),
    dashed: name === 'oracle',
  }));
  const marks = card.engine
    ? [
        {
          label: 'this plan',
          x: Math.max(card.budget, card.engine.figures.spend),
          y: card.engine.figures.incrementalProfit,
        },
      ]
    : [];
  return lineChart(series, {
    caption: 'True incremental profit against budget, per strategy',
    xLabel: 'budget',
    yLabel: 'incremental profit',
    text: (v) => Math.round(v).toLocaleString('en-US'),
    marks,
  });
}

function modelSection(card: Scorecard): SafeHtml {
  const m = card.model;
  if (!m) return html`<p class="muted">No model estimates were given.</p>`;
  const chart = lineChart(
    [
      { label: "The engine's ranking", points: m.qiniCurve.model.map((p) => ({ x: p.share, y: p.gain })) },
      {
        label: 'Perfect ranking (truth)',
        points: m.qiniCurve.perfect.map((p) => ({ x: p.share, y: p.gain })),
      },
      {
        label: 'Random targeting',
        points: [
          { x: 0, y: 0 },
          { x: 1, y: m.qiniCurve.model.at(-1)?.gain ?? 0 },
        ],
        dashed: true,
      },
    ],
    {
      caption: 'Qini curve against the planted truth',
      xLabel: 'share of customers targeted, best estimated uplift first',
      yLabel: 'true incremental conversions',
      text: (v) => v.toFixed(0),
      xText: (v) => `${Math.round(v * 100)}%`,
    },
  );
  const bins = m.calibration.map(
    (b) =>
      html`<tr><td>${b.from.toFixed(1)}–${b.to.toFixed(1)}</td><td class="num">${b.count.toLocaleString('en-US')}</td><td class="num">${b.meanEstimate.toFixed(4)}</td><td class="num">${b.meanTruth.toFixed(4)}</td></tr>`,
  );
  return html`<dl class="facts"><div><dt>Qini (1 = perfect ranking, 0 = random)</dt><dd>${fixed(m.qini, 3)}</dd></div>
<div><dt>AUUC (mean true incremental conversions over cut-offs)</dt><dd>${m.auuc.toFixed(2)}</dd></div>
<div><dt>mean estimated uplift of the best action</dt><dd>${m.meanEstimatedUplift.toFixed(4)}</dd></div>
<div><dt>its true uplift</dt><dd>${m.meanTrueUplift.toFixed(4)}</dd></div>
<div><dt>calibration error of P(response | action)</dt><dd>${fixed(m.calibrationError, 4)}</dd></div>
<div><dt>customer × action pairs estimated</dt><dd>${m.scoredActions.toLocaleString('en-US')} of ${m.actions.toLocaleString('en-US')}</dd></div></dl>
${chart}
<h3>Calibration</h3><div class="scroll"><table><thead><tr><th>estimated P(response)</th><th class="num">pairs</th><th class="num">mean estimate</th><th class="num">mean truth</th></tr></thead><tbody>${bins}</tbody></table></div>`;
}

export function renderScorecardHtml(card: Scorecard, title: string): string {
  const oracle = card.rows.find((r) => r.name === 'oracle');
  const notes = [
    `${card.customers.toLocaleString('en-US')} customers outside the holdout, ${card.actions.toLocaleString('en-US')} customer × action pairs, budget ${money(card.budget)}.`,
    oracle?.certificate
      ? `The oracle is the allocator solved on the true model to a certified gap of ${(oracle.certificate.gap * 100).toFixed(4)}% (dual bound ${money(oracle.certificate.dualBound)}).`
      : '',
    `Past ${money(card.saturationBudget)} of spend more budget buys nothing: every profitable action is taken.`,
    "An action is an offer at a discount level, on a channel, in a send window. A plan that names no level sends the default one, and every plan that names no window sends in the channel's first; the oracle chooses both.",
    'Baselines are handed the true signals they rank by (true propensity, churn risk and value); the engine is not.',
    sameSpendNote(card),
    card.engine && card.engine.unmatched > 0
      ? `${card.engine.unmatched} targeted rows of the plan name a customer or action the truth does not know; they are left out of its figures.`
      : '',
    card.unknownArms.length > 0
      ? `Truth arms the campaign does not offer: ${card.unknownArms.join(', ')}.`
      : '',
  ].filter((n) => n.length > 0);
  return reportPage(
    title,
    html`<header><h1>${title}</h1></header>
<section><ul class="summary">${notes.map((n) => html`<li>${n}</li>`)}</ul></section>
<section><h2>Strategies under the planted truth</h2>${strategyTable(card)}</section>
<section><h2>Profit against budget</h2>${budgetChart(card)}</section>
<section><h2>The model against the truth</h2>${modelSection(card)}</section>`,
    ' tr.engine td { font-weight: 600; }',
  );
}

/** The strategy table for a terminal. */
export function formatScorecard(card: Scorecard): string {
  const rows = allRows(card);
  const width = Math.max(...rows.map((r) => r.label.length));
  const lines = rows.map(
    (r) =>
      `  ${r.label.padEnd(width)}  ${percent(r.percentOfOracle).padStart(7)}  profit ${money(r.figures.incrementalProfit).padStart(11)}  spend ${money(r.figures.spend).padStart(10)}${r.figures.breaches.length > 0 ? `  (${r.figures.breaches.join('; ')})` : ''}`,
  );
  const sameSpend = sameSpendNote(card);
  const model = card.model
    ? [
        `  model vs truth: Qini ${fixed(card.model.qini, 3)}, calibration error ${fixed(card.model.calibrationError, 4)}`,
      ]
    : [];
  return [
    'Scorecard under the planted truth (% of oracle):',
    ...lines,
    ...(sameSpend ? [`  ${sameSpend}`] : []),
    ...model,
  ].join('\n');
}
