import type { ColumnDrift, DriftVerdict } from './drift';
import { PSI_THRESHOLDS } from './drift';
import { formatNumber, formatPercent, formatPsi } from './format';
import type { FreshnessVerdict } from './freshness';
import { html, SafeHtml } from './html';
import { anchorOf, datasetSection } from './render-dataset';
import type { BatchQualityReport } from './report';
import { barChart, type Tone } from './svg-charts';

/**
 * The quality report as one self-contained HTML page: no scripts, no external assets, charts as
 * inline SVG. Every value from the report is escaped by the `html` template.
 */

/** The stylesheet of the engine's report pages (quality report, scorecard). */
export const REPORT_STYLE = `
:root { color-scheme: light; --ink: #1f2328; --muted: #5f6a76; --line: #d8dee4; --card: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .25rem; }
h4 { font-size: 1rem; margin: .75rem 0 .25rem; overflow-wrap: anywhere; }
.meta, .muted { color: var(--muted); }
.muted { font-size: .85rem; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; list-style: none; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td { overflow-wrap: anywhere; }
td.num, th.num { text-align: right; white-space: nowrap; }
.columns { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 22rem), 1fr)); gap: 1rem; }
.column { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .25rem .75rem .75rem; min-width: 0; }
.facts { display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: .25rem 0; }
.facts div { display: flex; gap: .35rem; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; font-size: .75rem; font-weight: normal; padding: 0 .4rem; border-radius: 999px; background: #e7ecf0; color: var(--ink); }
.badge.good { background: #dcefdc; } .badge.bad { background: #f8d7d7; } .badge.warn { background: #fde7cc; }
.warning { background: #fde7cc; border: 1px solid #f0c48a; border-radius: 6px; padding: .5rem .75rem; }
svg.chart { display: block; width: 100%; height: auto; margin: .25rem 0; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
svg .note, svg .axis, svg .marker-label { fill: var(--muted); }
.good { fill: #2e7d32; } .bad { fill: #c62828; } .warn { fill: #ef6c00; } .info { fill: #1976d2; } svg rect.muted { fill: #9e9e9e; }
svg .marker { stroke: #6e7781; stroke-dasharray: 4 3; } svg circle.mark { fill: #c62828; }
svg .axis-line, svg .whisker { stroke: #6e7781; }
svg .box { fill: #bbdefb; stroke: #1976d2; } svg .median { stroke: #0d47a1; stroke-width: 3; } svg .extreme { fill: #6e7781; }
ul.summary li { margin: .2rem 0; overflow-wrap: anywhere; }
@media (max-width: 600px) { body { font-size: 14px; } main { padding: .5rem; } th, td { padding: .25rem .3rem; } svg text { font-size: 14px; } }
`;

const VERDICT_TONE: Record<DriftVerdict, Tone> = { stable: 'good', moderate: 'warn', significant: 'bad' };
const FRESHNESS_TONE: Record<FreshnessVerdict, Tone> = {
  fresh: 'good',
  stale: 'bad',
  after_cutoff: 'warn',
  empty: 'warn',
};
const STATUS_TEXT: Record<ColumnDrift['status'], string> = {
  compared: 'compared',
  missing_in_reference: 'new column',
  missing_in_current: 'column gone',
  kind_changed: 'type changed',
  no_data: 'no values to compare',
};

function badge(text: string, tone?: Tone): SafeHtml {
  return html`<span class="badge ${tone ?? ''}">${text}</span>`;
}

function filesSection(report: BatchQualityReport): SafeHtml {
  if (report.files.length === 0) return html`<p class="muted">No files were accounted for.</p>`;
  const max = Math.max(0, ...report.files.map((f) => f.rowsIn));
  const rows = report.files.map((f) => ({
    label: f.key,
    segments: [
      { value: f.accepted, tone: 'good' as const, title: `${f.key}: ${formatNumber(f.accepted)} accepted` },
      { value: f.rejected, tone: 'bad' as const, title: `${f.key}: ${formatNumber(f.rejected)} rejected` },
    ],
    note: f.rejected > 0 ? `${formatPercent(f.rejectionRate)} rejected` : 'all accepted',
  }));
  return html`${barChart(rows, { max, caption: 'Accepted and rejected rows per file' })}
<div class="scroll"><table><thead><tr><th>File</th><th>Dataset</th><th class="num">Rows in</th><th class="num">Accepted</th><th class="num">Rejected</th><th class="num">Flagged</th><th>Quarantine</th></tr></thead><tbody>
${report.files.map(
  (f) =>
    html`<tr><td>${f.key}</td><td>${f.dataset}</td><td class="num">${formatNumber(f.rowsIn)}</td><td class="num">${formatNumber(f.accepted)}</td><td class="num">${formatNumber(f.rejected)} (${formatPercent(f.rejectionRate)})</td><td class="num">${formatNumber(f.flagged)}</td><td>${f.quarantineKey ?? '—'}</td></tr>`,
)}
</tbody></table></div>
${exceptionsTable(report)}`;
}

/** Every rule that refused or flagged rows, per file: what to fix first, and where to look. */
function exceptionsTable(report: BatchQualityReport): SafeHtml {
  const rows = report.files.flatMap((f) => f.exceptions.map((e) => ({ file: f, e })));
  if (rows.length === 0) return html`<p class="muted">No row was refused or flagged.</p>`;
  return html`<h3>Exceptions by rule</h3>
<div class="scroll"><table><thead><tr><th>File</th><th>Dataset</th><th>Rule</th><th>Column</th><th>Outcome</th><th class="num">Rows</th><th class="num">First line</th><th>Rows listed in</th></tr></thead><tbody>
${rows.map(
  ({ file, e }) =>
    html`<tr><td>${file.key}</td><td>${file.dataset}</td><td>${e.rule}</td><td>${e.column}</td><td>${badge(e.outcome, e.outcome === 'rejected' ? 'bad' : 'warn')}</td><td class="num">${formatNumber(e.rows)}</td><td class="num">${formatNumber(e.firstLine)}</td><td>${(e.outcome === 'rejected' ? file.quarantineKey : file.flagsKey) ?? '—'}</td></tr>`,
)}
</tbody></table></div>`;
}

function freshnessSection(report: BatchQualityReport): SafeHtml {
  if (report.freshness.length === 0)
    return html`<p class="muted">No dataset with a date to judge freshness by.</p>`;
  return html`<div class="scroll"><table><thead><tr><th>Dataset</th><th>Column</th><th>Latest</th><th class="num">Days before as-of</th><th class="num">Days before receipt</th><th class="num">Limit</th><th>Verdict</th></tr></thead><tbody>
${report.freshness.map(
  (f) =>
    html`<tr><td>${f.dataset}</td><td>${f.column}</td><td>${f.latest ?? '—'}</td><td class="num">${f.daysBeforeAsOf ?? '—'}</td><td class="num">${f.daysBeforeReceipt ?? '—'}</td><td class="num">${f.staleAfterDays}</td><td>${badge(f.verdict.replace('_', ' '), FRESHNESS_TONE[f.verdict])}</td></tr>`,
)}
</tbody></table></div>`;
}

/** Bars stop here so one extreme column does not flatten the rest; the note gives the real value. */
const PSI_AXIS_CAP = 1;

function driftDataset(dataset: string, columns: readonly ColumnDrift[]): SafeHtml {
  const top = Math.max(...columns.map((c) => c.psi ?? 0));
  const max = Math.min(PSI_AXIS_CAP, Math.max(PSI_THRESHOLDS.significant * 1.4, top));
  const rows = columns.map((c) => ({
    label: c.column,
    segments:
      c.psi === null || c.verdict === null
        ? []
        : [
            {
              value: Math.min(c.psi, max),
              tone: VERDICT_TONE[c.verdict],
              title: `${c.column}: PSI ${formatPsi(c.psi)}, ${c.verdict}`,
            },
          ],
    note: c.psi === null ? STATUS_TEXT[c.status] : `PSI ${formatPsi(c.psi)}`,
  }));
  const nullRate = (c: ColumnDrift) =>
    `${c.nullRate.reference === null ? '—' : formatPercent(c.nullRate.reference)} → ${c.nullRate.current === null ? '—' : formatPercent(c.nullRate.current)}`;
  return html`<h3>${dataset}</h3>
${barChart(rows, {
  max,
  caption: `Population stability index per column of ${dataset}`,
  markers: [
    { value: PSI_THRESHOLDS.moderate, label: String(PSI_THRESHOLDS.moderate) },
    { value: PSI_THRESHOLDS.significant, label: String(PSI_THRESHOLDS.significant) },
  ],
})}
<details><summary>Details per column</summary><div class="scroll"><table><thead><tr><th>Column</th><th>Kind</th><th class="num">PSI</th><th>Verdict</th><th>Empty (before → now)</th></tr></thead><tbody>
${columns.map(
  (c) =>
    html`<tr><td>${c.column}</td><td>${c.kind ?? '—'}</td><td class="num">${c.psi === null ? '—' : formatPsi(c.psi)}</td><td>${c.verdict ? badge(c.verdict, VERDICT_TONE[c.verdict]) : STATUS_TEXT[c.status]}</td><td>${nullRate(c)}</td></tr>`,
)}
</tbody></table></div></details>`;
}

function driftSection(report: BatchQualityReport): SafeHtml {
  if (report.drift === null) return html`<p class="muted">No earlier run to compare with.</p>`;
  const byDataset = new Map<string, ColumnDrift[]>();
  for (const c of report.drift.columns) byDataset.set(c.dataset, [...(byDataset.get(c.dataset) ?? []), c]);
  const asOf = report.drift.againstAsOf;
  return html`<p class="muted">Against run ${report.drift.againstRunId}${asOf ? html` (as of ${asOf}; dates are compared relative to each batch's as-of date)` : ''}. PSI below ${PSI_THRESHOLDS.moderate} is stable, up to ${PSI_THRESHOLDS.significant} a moderate shift, above it a significant one.</p>
${[...byDataset].map(([dataset, columns]) => driftDataset(dataset, columns))}`;
}

/** A self-contained report page: the shared stylesheet, a title, and the body inside `<main>`. */
export function reportPage(title: string, body: SafeHtml, extraStyle = ''): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new SafeHtml(REPORT_STYLE + extraStyle)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.text;
}

export function renderQualityReportHtml(report: BatchQualityReport): string {
  const title = `Data quality: ${report.partner} / ${report.batchId}`;
  return reportPage(
    title,
    html`<header>
<h1>${title}</h1>
<p class="meta">Run ${report.runId} · as of ${report.asOf} · received ${report.receivedAt} · generated ${report.generatedAt}</p>
<nav><ul><li><a href="#summary">Summary</a></li><li><a href="#files">Files</a></li><li><a href="#freshness">Freshness</a></li><li><a href="#drift">Drift</a></li>${report.datasets.map((d) => html`<li><a href="#${anchorOf(d.dataset)}">${d.dataset}</a></li>`)}</ul></nav>
</header>
<section id="summary"><h2>What stands out</h2><ul class="summary">${report.summary.map((s) => html`<li>${s}</li>`)}</ul></section>
<section id="files"><h2>Files</h2>${filesSection(report)}</section>
<section id="freshness"><h2>Freshness</h2>${freshnessSection(report)}</section>
<section id="drift"><h2>Drift</h2>${driftSection(report)}</section>
<section id="datasets"><h2>Datasets</h2>${report.datasets.map((d) => datasetSection(d, report.thresholds.nullRate))}</section>`,
  );
}
