import type { ColumnDrift } from './drift';
import { formatNumber, formatPercent, formatPsi, plural } from './format';
import type { DatasetFreshness } from './freshness';
import type { DatasetProfile } from './profile-schema';
import type { FileQuality, QualityThresholds } from './report';

/**
 * The few sentences at the top of a quality report: problems first (rejections, stale data),
 * then what changed (drift, emptier columns), then what is merely notable (mostly empty columns).
 */

export interface SummaryInput {
  readonly asOf: string;
  readonly files: readonly FileQuality[];
  readonly datasets: readonly DatasetProfile[];
  readonly drift: { readonly againstRunId: string; readonly columns: readonly ColumnDrift[] } | null;
  readonly freshness: readonly DatasetFreshness[];
  readonly thresholds: QualityThresholds;
}

/** At most this many names per sentence; the rest are counted. */
const LISTED = 5;

function list(items: readonly string[]): string {
  const shown = items.slice(0, LISTED);
  const more = items.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function rejectionSentences(files: readonly FileQuality[], threshold: number): string[] {
  return files
    .filter((f) => f.rejected > 0 && f.rejectionRate > threshold)
    .map(
      (f) =>
        `${f.key} (${f.dataset}): ${formatNumber(f.rejected)} of ${plural(f.rowsIn, 'row')} rejected (${formatPercent(f.rejectionRate)}).`,
    );
}

function flagSentences(files: readonly FileQuality[]): string[] {
  return files
    .filter((f) => f.flagged > 0)
    .map((f) => {
      const rules = [...new Set(f.exceptions.filter((e) => e.outcome === 'flagged').map((e) => e.rule))];
      return `${f.key} (${f.dataset}): ${plural(f.flagged, 'row')} accepted but flagged (${rules.join(', ').replaceAll('_', ' ')}); see ${f.flagsKey}.`;
    });
}

function freshnessSentences(freshness: readonly DatasetFreshness[], asOf: string): string[] {
  const out: string[] = [];
  for (const f of freshness) {
    if (f.verdict === 'stale') {
      out.push(
        `${f.dataset} looks stale: the latest ${f.column} (${f.latest}) is ${plural(f.daysBeforeAsOf ?? 0, 'day')} before as-of ${asOf}, more than the ${f.staleAfterDays} allowed.`,
      );
    } else if (f.verdict === 'after_cutoff') {
      out.push(
        `${f.dataset} has ${f.column} on or after as-of ${asOf} (latest ${f.latest}); features ignore those rows.`,
      );
    } else if (f.verdict === 'empty') {
      out.push(`${f.dataset} has no ${f.column} values, so its freshness is unknown.`);
    }
  }
  return out;
}

function driftSentences(drift: NonNullable<SummaryInput['drift']>, threshold: number): string[] {
  const run = drift.againstRunId;
  const out: string[] = [];
  const psi = (c: ColumnDrift) => `${c.column} (PSI ${formatPsi(c.psi ?? 0)})`;
  const worstFirst = (a: ColumnDrift, b: ColumnDrift) => (b.psi ?? 0) - (a.psi ?? 0);
  const byDataset = groupBy(drift.columns, (c) => c.dataset);
  for (const [dataset, columns] of byDataset) {
    const significant = columns.filter((c) => c.verdict === 'significant').sort(worstFirst);
    if (significant.length > 0)
      out.push(`${dataset} shifted significantly since run ${run}: ${list(significant.map(psi))}.`);
    const moderate = columns.filter((c) => c.verdict === 'moderate').sort(worstFirst);
    if (moderate.length > 0)
      out.push(`${dataset} shifted moderately since run ${run}: ${list(moderate.map(psi))}.`);
    const emptier = columns.filter((c) => (c.nullRate.change ?? 0) > threshold);
    if (emptier.length > 0) {
      const text = emptier.map(
        (c) =>
          `${c.column} (${formatPercent(c.nullRate.current ?? 0)}, was ${formatPercent(c.nullRate.reference ?? 0)})`,
      );
      out.push(`${dataset} has emptier columns than run ${run}: ${list(text)}.`);
    }
    if (columns.every((c) => c.status === 'missing_in_reference'))
      out.push(`${dataset} is new since run ${run}.`);
    else if (columns.every((c) => c.status === 'missing_in_current'))
      out.push(`${dataset} was in run ${run} but not in this batch.`);
    else {
      const added = columns.filter((c) => c.status === 'missing_in_reference').map((c) => c.column);
      const dropped = columns.filter((c) => c.status === 'missing_in_current').map((c) => c.column);
      if (added.length > 0) out.push(`${dataset} has columns run ${run} did not: ${list(added)}.`);
      if (dropped.length > 0) out.push(`${dataset} lacks columns run ${run} had: ${list(dropped)}.`);
    }
  }
  return out;
}

function nullRateSentences(datasets: readonly DatasetProfile[], threshold: number): string[] {
  const out: string[] = [];
  for (const profile of datasets) {
    if (profile.rows === 0) continue;
    const empty = profile.columns
      .filter((c) => c.nullRate > threshold)
      .sort((a, b) => b.nullRate - a.nullRate)
      .map((c) => `${c.name} (${formatPercent(c.nullRate)})`);
    if (empty.length > 0) {
      out.push(`${profile.dataset}: more than ${formatPercent(threshold)} empty in ${list(empty)}.`);
    }
  }
  return out;
}

export function summarise(input: SummaryInput): string[] {
  const sentences = [
    ...rejectionSentences(input.files, input.thresholds.rejectionRate),
    ...flagSentences(input.files),
    ...freshnessSentences(input.freshness, input.asOf),
    ...(input.drift ? driftSentences(input.drift, input.thresholds.nullRateIncrease) : []),
    ...nullRateSentences(input.datasets, input.thresholds.nullRate),
  ];
  if (sentences.length > 0) return sentences;
  const rows = input.datasets.reduce((sum, p) => sum + p.rows, 0);
  return [
    `Nothing stands out: ${plural(input.datasets.length, 'dataset')}, ${plural(rows, 'row')} accepted.`,
  ];
}
