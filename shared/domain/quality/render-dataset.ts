import { formatNumber, formatPercent, formatValue, plural } from './format';
import { html, type SafeHtml } from './html';
import type {
  CategoricalSummary,
  ColumnProfile,
  DatasetProfile,
  NumericSummary,
  TemporalSummary,
} from './profile-schema';
import { type BarRow, barChart, columnChart, spreadChart } from './svg-charts';

/** The part of the quality page that shows one dataset's profile: null rates, then a card per column. */

export function anchorOf(dataset: string): string {
  return `dataset-${dataset.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

function facts(entries: readonly (readonly [string, string])[]): SafeHtml {
  return html`<dl class="facts">${entries.map(([term, value]) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`)}</dl>`;
}

function numericBlock(column: ColumnProfile, summary: NumericSummary): SafeHtml {
  const text = (v: number) => formatValue(v, column.storage);
  const q = summary.quantiles;
  if (summary.min === null || summary.max === null || q === null)
    return html`<p class="muted">No values.</p>`;
  const isNumber = column.kind === 'numeric';
  const entries: [string, string][] = [
    ['values', formatNumber(summary.count)],
    ['mean', text(summary.mean ?? 0)],
    // A standard deviation of epoch days is a duration, not a date.
    ['std', isNumber ? formatNumber(summary.std ?? 0) : `${formatNumber(summary.std ?? 0)} days`],
  ];
  if (isNumber)
    entries.push(['zeros', formatNumber(summary.zeros)], ['negatives', formatNumber(summary.negatives)]);
  const levels = [
    ['p01', q.p01],
    ['p05', q.p05],
    ['p25', q.p25],
    ['p50', q.p50],
    ['p75', q.p75],
    ['p95', q.p95],
    ['p99', q.p99],
  ] as const;
  return html`${facts(entries)}
${spreadChart({ min: summary.min, max: summary.max, ...q }, text, `Spread of ${column.name}`)}
<div class="scroll"><table class="quantiles"><tr>${levels.map(([name]) => html`<th>${name}</th>`)}</tr><tr>${levels.map(([, v]) => html`<td>${text(v)}</td>`)}</tr></table></div>
<p class="muted">Quantiles from a sample of ${plural(summary.sample.length, 'value')}.</p>`;
}

function categoricalBlock(column: ColumnProfile, summary: CategoricalSummary): SafeHtml {
  const distinct = summary.distinctExact
    ? formatNumber(summary.distinct)
    : `more than ${formatNumber(summary.distinct)}`;
  const total = summary.top.reduce((sum, v) => sum + v.count, summary.other);
  const rows: BarRow[] = summary.top.map((v) => ({
    label: v.value,
    segments: [{ value: v.count, tone: 'info', title: `${v.value}: ${formatNumber(v.count)}` }],
    note: formatPercent(total === 0 ? 0 : v.count / total),
  }));
  if (summary.other > 0) {
    rows.push({
      label: 'other values',
      segments: [
        { value: summary.other, tone: 'muted', title: `other values: ${formatNumber(summary.other)}` },
      ],
      note: formatPercent(summary.other / total),
    });
  }
  const max = Math.max(0, ...rows.map((r) => r.segments[0]?.value ?? 0));
  // Past the distinct cap only values certain to repeat are listed; an identifier column has none.
  const nothingStandsOut = !summary.topExact && summary.top.length === 0;
  const chart =
    total === 0
      ? html`<p class="muted">No values.</p>`
      : nothingStandsOut
        ? ''
        : barChart(rows, { max, caption: `Most frequent values of ${column.name}` });
  const note = summary.topExact
    ? null
    : nothingStandsOut
      ? 'Too many distinct values to count exactly, and no value repeats often enough to list.'
      : 'Too many distinct values to count exactly: the counts shown are lower bounds.';
  return html`${facts([
    ['distinct', distinct],
    ['values', formatNumber(total)],
  ])}
${chart}
${note === null ? '' : html`<p class="muted">${note}</p>`}`;
}

function temporalBlock(column: ColumnProfile, temporal: TemporalSummary): SafeHtml {
  if (temporal.min === null || temporal.max === null) return html``;
  const months = temporal.months.map((m) => ({ label: m.month, value: m.count }));
  return html`${facts([
    ['earliest', temporal.min],
    ['latest', temporal.max],
  ])}
${months.length > 0 ? columnChart(months, `Values of ${column.name} per month`) : ''}
${temporal.earlier > 0 ? html`<p class="muted">${formatNumber(temporal.earlier)} values in earlier months are not shown.</p>` : ''}`;
}

function columnCard(column: ColumnProfile): SafeHtml {
  const body =
    column.kind === 'categorical'
      ? categoricalBlock(column, column.categorical)
      : column.kind === 'temporal'
        ? html`${temporalBlock(column, column.temporal)}${numericBlock(column, column.numeric)}`
        : numericBlock(column, column.numeric);
  return html`<article class="column">
<h4>${column.name} <span class="badge">${column.storage}</span></h4>
<p>${formatNumber(column.nulls)} empty (${formatPercent(column.nullRate)})${column.invalid > 0 ? html`, <strong>${formatNumber(column.invalid)} of the wrong type</strong>` : ''}</p>
${body}
</article>`;
}

export function datasetSection(profile: DatasetProfile, nullRateThreshold: number): SafeHtml {
  const nullRows = profile.columns.map((c) => ({
    label: c.name,
    segments: [
      {
        value: c.nullRate,
        tone: c.nullRate > nullRateThreshold ? ('warn' as const) : ('info' as const),
        title: `${c.name}: ${formatNumber(c.nulls)} empty`,
      },
    ],
    note: formatPercent(c.nullRate),
  }));
  return html`<section class="dataset" id="${anchorOf(profile.dataset)}">
<h3>${profile.dataset}</h3>
<p>${plural(profile.rows, 'accepted row')}, ${plural(profile.columns.length, 'column')}.</p>
<h4>Empty values per column</h4>
${barChart(nullRows, {
  max: 1,
  caption: `Share of empty values per column of ${profile.dataset}`,
  markers: [{ value: nullRateThreshold, label: formatPercent(nullRateThreshold) }],
})}
<div class="columns">${profile.columns.map(columnCard)}</div>
</section>`;
}
