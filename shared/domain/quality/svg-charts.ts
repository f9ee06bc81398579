import { html, SafeHtml, truncate } from './html';

/**
 * The report's charts as inline SVG: fixed viewBox coordinates, scaled to the container's width
 * by the browser, coloured by CSS class so the page's stylesheet decides the palette.
 */

export type Tone = 'good' | 'bad' | 'warn' | 'info' | 'muted';

export interface BarSegment {
  readonly value: number;
  readonly tone: Tone;
  /** Tooltip text. */
  readonly title: string;
}

export interface BarRow {
  readonly label: string;
  readonly segments: readonly BarSegment[];
  /** Shown after the bar, e.g. the value. */
  readonly note: string;
}

export interface Marker {
  readonly value: number;
  readonly label: string;
}

const WIDTH = 640;
const LABEL_WIDTH = 170;
const NOTE_WIDTH = 110;
const BAR_AREA = WIDTH - LABEL_WIDTH - NOTE_WIDTH;
const ROW_HEIGHT = 22;

/** One decimal place: enough for a chart, and keeps the markup short. */
function at(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Horizontal (stacked) bars, one row per item; `markers` draw dashed reference lines such as thresholds. */
export function barChart(
  rows: readonly BarRow[],
  options: { readonly max: number; readonly caption: string; readonly markers?: readonly Marker[] },
): SafeHtml {
  const top = options.markers?.length ? 16 : 4;
  const height = top + rows.length * ROW_HEIGHT + 4;
  const scale = (v: number) => (options.max > 0 ? (Math.max(0, v) / options.max) * BAR_AREA : 0);
  const bars = rows.map((row, i) => {
    const y = top + i * ROW_HEIGHT;
    let x = LABEL_WIDTH;
    const segments = row.segments.map((s) => {
      const w = scale(s.value);
      const rect = html`<rect class="${s.tone}" x="${at(x)}" y="${y + 3}" width="${at(w)}" height="${ROW_HEIGHT - 6}"><title>${s.title}</title></rect>`;
      x += w;
      return rect;
    });
    return html`<g><text class="label" x="${LABEL_WIDTH - 6}" y="${y + 15}" text-anchor="end"><title>${row.label}</title>${truncate(row.label, 22)}</text>${segments}<text class="note" x="${at(x + 4)}" y="${y + 15}">${row.note}</text></g>`;
  });
  const markers = (options.markers ?? []).map((m) => {
    const x = at(LABEL_WIDTH + scale(m.value));
    return html`<line class="marker" x1="${x}" x2="${x}" y1="${top - 2}" y2="${height}"/><text class="marker-label" x="${x}" y="11" text-anchor="middle">${m.label}</text>`;
  });
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${options.caption}"><title>${options.caption}</title>${bars}${markers}</svg>`;
}

export interface CountBar {
  readonly label: string;
  readonly value: number;
}

/** Vertical bars in order (e.g. counts per month), labelled at both ends and at the peak. */
export function columnChart(columns: readonly CountBar[], caption: string): SafeHtml {
  const height = 120;
  const base = 96;
  const max = Math.max(0, ...columns.map((c) => c.value));
  const step = columns.length > 0 ? WIDTH / columns.length : WIDTH;
  const gap = step > 4 ? 1 : 0;
  const bars = columns.map((c, i) => {
    const h = max > 0 ? (c.value / max) * (base - 12) : 0;
    return html`<rect class="info" x="${at(i * step)}" y="${at(base - h)}" width="${at(Math.max(0.5, step - gap))}" height="${at(h)}"><title>${c.label}: ${c.value}</title></rect>`;
  });
  const first = columns[0];
  const last = columns[columns.length - 1];
  const peak = columns.reduce<CountBar | undefined>(
    (best, c) => (best && best.value >= c.value ? best : c),
    undefined,
  );
  const labels = [
    first && html`<text class="axis" x="0" y="${base + 16}">${first.label}</text>`,
    last &&
      columns.length > 1 &&
      html`<text class="axis" x="${WIDTH}" y="${base + 16}" text-anchor="end">${last.label}</text>`,
    peak &&
      html`<text class="axis" x="${WIDTH / 2}" y="9" text-anchor="middle">peak ${peak.value.toLocaleString('en-US')} (${peak.label})</text>`,
  ];
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${caption}"><title>${caption}</title>${bars}<line class="axis-line" x1="0" x2="${WIDTH}" y1="${base}" y2="${base}"/>${labels}</svg>`;
}

export interface Spread {
  readonly min: number;
  readonly max: number;
  readonly p01: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p99: number;
}

/** A box plot on one line: whiskers p01–p99, box p25–p75, a mark at the median, dots at min and max. */
export function spreadChart(spread: Spread, text: (value: number) => string, caption: string): SafeHtml {
  const height = 58;
  const pad = 8;
  const span = spread.max - spread.min;
  const x = (v: number) => at(span > 0 ? pad + ((v - spread.min) / span) * (WIDTH - 2 * pad) : WIDTH / 2);
  const mid = 22;
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${caption}"><title>${caption}</title>
<line class="whisker" x1="${x(spread.p01)}" x2="${x(spread.p99)}" y1="${mid}" y2="${mid}"/>
<rect class="box" x="${x(spread.p25)}" y="${mid - 9}" width="${at(Math.max(1, x(spread.p75) - x(spread.p25)))}" height="18"><title>p25 ${text(spread.p25)} – p75 ${text(spread.p75)}</title></rect>
<line class="median" x1="${x(spread.p50)}" x2="${x(spread.p50)}" y1="${mid - 11}" y2="${mid + 11}"><title>median ${text(spread.p50)}</title></line>
<circle class="extreme" cx="${x(spread.min)}" cy="${mid}" r="3"/><circle class="extreme" cx="${x(spread.max)}" cy="${mid}" r="3"/>
<text class="axis" x="0" y="${height - 4}">min ${text(spread.min)}</text><text class="axis" x="${WIDTH / 2}" y="${height - 4}" text-anchor="middle">median ${text(spread.p50)}</text><text class="axis" x="${WIDTH}" y="${height - 4}" text-anchor="end">max ${text(spread.max)}</text></svg>`;
}

export interface LineSeries {
  readonly label: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  /** Drawn dashed, e.g. a reference such as random targeting. */
  readonly dashed?: boolean;
}

export interface PointMark {
  readonly label: string;
  readonly x: number;
  readonly y: number;
}

const SERIES_COLOURS = [
  '#1976d2',
  '#2e7d32',
  '#ef6c00',
  '#6a1b9a',
  '#c62828',
  '#00838f',
  '#5d4037',
  '#455a64',
];

/**
 * Lines on shared axes, with a legend: series coloured in order, optional marked points (e.g. the
 * engine's plan at its budget). Axes start at zero unless values go below it.
 */
export function lineChart(
  series: readonly LineSeries[],
  options: {
    readonly caption: string;
    readonly xLabel: string;
    readonly yLabel: string;
    readonly text: (value: number) => string;
    readonly xText?: (value: number) => string;
    readonly marks?: readonly PointMark[];
  },
): SafeHtml {
  const left = 70;
  const right = 12;
  const top = 10;
  const plotHeight = 220;
  const legendRow = 18;
  const all = [...series.flatMap((s) => s.points), ...(options.marks ?? [])];
  const xMax = Math.max(0, ...all.map((p) => p.x));
  const xMin = Math.min(0, ...all.map((p) => p.x));
  const yMax = Math.max(0, ...all.map((p) => p.y));
  const yMin = Math.min(0, ...all.map((p) => p.y));
  const sx = (x: number) =>
    at(left + (xMax > xMin ? ((x - xMin) / (xMax - xMin)) * (WIDTH - left - right) : 0));
  const sy = (y: number) => at(top + (yMax > yMin ? ((yMax - y) / (yMax - yMin)) * plotHeight : plotHeight));
  const xText = options.xText ?? options.text;
  const lines = series.map((s, k) => {
    const colour = SERIES_COLOURS[k % SERIES_COLOURS.length] ?? '#1976d2';
    const path = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x)},${sy(p.y)}`).join(' ');
    return html`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed ? new SafeHtml(' stroke-dasharray="5 4"') : ''}><title>${s.label}</title></path>`;
  });
  const marks = (options.marks ?? []).map(
    (m) =>
      html`<circle cx="${sx(m.x)}" cy="${sy(m.y)}" r="5" class="mark"><title>${m.label}: ${options.text(m.y)} at ${xText(m.x)}</title></circle><text class="note" x="${at(sx(m.x) + 7)}" y="${at(sy(m.y) - 6)}">${m.label}</text>`,
  );
  const legendTop = top + plotHeight + 34;
  const perRow = 2;
  const legend = series.map((s, k) => {
    const x = left + (k % perRow) * ((WIDTH - left) / perRow);
    const y = legendTop + Math.floor(k / perRow) * legendRow;
    const colour = SERIES_COLOURS[k % SERIES_COLOURS.length] ?? '#1976d2';
    return html`<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${colour}" stroke-width="3"${s.dashed ? new SafeHtml(' stroke-dasharray="5 4"') : ''}/><text x="${x + 24}" y="${y}">${truncate(s.label, 48)}</text>`;
  });
  const height = legendTop + Math.ceil(series.length / perRow) * legendRow;
  const base = sy(Math.max(yMin, 0));
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${options.caption}"><title>${options.caption}</title>
<line class="axis-line" x1="${left}" x2="${WIDTH - right}" y1="${base}" y2="${base}"/><line class="axis-line" x1="${left}" x2="${left}" y1="${top}" y2="${top + plotHeight}"/>
<text class="axis" x="${left - 4}" y="${top + 10}" text-anchor="end">${options.text(yMax)}</text><text class="axis" x="${left - 4}" y="${top + plotHeight}" text-anchor="end">${options.text(yMin)}</text>
<text class="axis" x="${left}" y="${top + plotHeight + 16}">${xText(xMin)}</text><text class="axis" x="${WIDTH - right}" y="${top + plotHeight + 16}" text-anchor="end">${xText(xMax)}</text>
<text class="axis" x="${(left + WIDTH) / 2}" y="${top + plotHeight + 16}" text-anchor="middle">${options.xLabel}</text>
<text class="axis" x="12" y="${top + plotHeight / 2}" transform="rotate(-90 12 ${top + plotHeight / 2})" text-anchor="middle">${options.yLabel}</text>
${lines}${marks}${legend}</svg>`;
}
