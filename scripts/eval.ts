/**
 * The model scorecard: every model on the real public datasets (Hillstrom uplift, UCI Online Retail
 * churn and value, CDNOW lifetime value) and on the synthetic world's planted truth, beside the
 * reference figure each must meet or beat. Prints one table and writes it as JSON. A dataset that is
 * absent is skipped with a message, not failed.
 *
 *   npm run eval                        # data from $CAMPAIGN_DATA_DIR or ../shared/data
 *   npm run eval -- --splits 3          # fewer Hillstrom splits, for a quicker look
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  rowMeetsTarget,
  type ScorecardRow,
  type ScorecardSection,
} from '../shared/domain/model-eval/scorecard-row';
import { cdnowSection } from './eval/cdnow';
import { hillstromSection } from './eval/hillstrom';
import { onlineRetailSection } from './eval/online-retail';
import { syntheticSection } from './eval/synthetic';

const { values } = parseArgs({
  options: {
    splits: { type: 'string', default: '10' },
    out: { type: 'string', default: '.local/eval/scorecard.json' },
    runs: { type: 'string', default: '.local/runs' },
    scorecards: { type: 'string', default: '.local/scorecards' },
  },
  strict: true,
});
const splits = Number(values.splits);
if (!Number.isInteger(splits) || splits < 1)
  throw new Error(`--splits must be a whole number from 1, got ${values.splits}`);

const dataDir = resolve(process.env.CAMPAIGN_DATA_DIR ?? resolve(import.meta.dirname, '../../shared/data'));
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const progress = (message: string) => console.error(`[${elapsed()}] ${message}`);

const sections: ScorecardSection[] = [];
progress('CDNOW: BG/NBD and Gamma-Gamma');
sections.push(cdnowSection(dataDir));
progress(`Hillstrom: uplift models over ${splits} splits`);
sections.push(
  await hillstromSection(dataDir, {
    splits,
    onSplit: (done, of) => progress(`Hillstrom split ${done}/${of}`),
  }),
);
progress('UCI Online Retail: churn and value, 5-fold CV');
sections.push(await onlineRetailSection(dataDir, { log: progress }));
sections.push(syntheticSection(resolve(values.runs), resolve(values.scorecards)));

const format = (v: number | undefined) =>
  v === undefined ? '' : Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toFixed(4);
const verdict = (row: ScorecardRow) => {
  const met = rowMeetsTarget(row);
  return met === undefined ? '' : met ? 'met' : 'MISSED';
};
const table: string[][] = [
  ['dataset', 'task', 'model', 'metric', 'value', '± sd', 'reference', 'target', ''],
];
for (const section of sections) {
  if ('skipped' in section) {
    table.push([section.dataset, `skipped: ${section.skipped}`, '', '', '', '', '', '', '']);
    continue;
  }
  for (const row of section.rows) {
    table.push([
      row.dataset,
      row.task,
      row.model,
      row.metric,
      format(row.value),
      format(row.sd),
      format(row.reference),
      row.tolerance ? `±${row.tolerance.relative * 100}%` : format(row.target),
      verdict(row),
    ]);
  }
}
const widths = table[0]?.map((_, c) => Math.max(...table.map((r) => (r[c] ?? '').length))) ?? [];
for (const r of table)
  console.log(
    r
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd(),
  );

const out = resolve(values.out);
mkdirSync(resolve(out, '..'), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ generatedAt: new Date().toISOString(), dataDir, sections }, null, 2)}\n`,
);
console.log(`\n${out} (${elapsed()})`);
