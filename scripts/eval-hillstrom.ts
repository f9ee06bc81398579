/**
 * Prints the Hillstrom section of the model scorecard on its own (npm run eval prints every section):
 *
 *   npx tsx scripts/eval-hillstrom.ts [splits] [name ...]   # data from $CAMPAIGN_DATA_DIR or ../shared/data
 *
 * Each `name` keeps the approaches whose name contains it (e.g. `risk-modified 'mlp 32-16'`); default all.
 */
import { resolve } from 'node:path';
import { rowMeetsTarget } from '../shared/domain/model-eval/scorecard-row';
import { HILLSTROM_APPROACHES, hillstromSection } from './eval/hillstrom';

const dataDir = resolve(process.env.CAMPAIGN_DATA_DIR ?? resolve(import.meta.dirname, '../../shared/data'));
const splits = Number(process.argv[2] ?? 10);
const filters = process.argv.slice(3);
const approaches =
  filters.length === 0
    ? undefined
    : Object.keys(HILLSTROM_APPROACHES).filter((name) => filters.some((part) => name.includes(part)));
if (approaches?.length === 0) throw new Error(`no Hillstrom approach name contains ${filters.join(' or ')}`);
const started = performance.now();
const section = await hillstromSection(dataDir, {
  splits,
  ...(approaches === undefined ? {} : { approaches }),
  onSplit: (done, of) =>
    console.error(`split ${done}/${of} (${((performance.now() - started) / 1000).toFixed(0)} s)`),
});
if ('skipped' in section) {
  console.log(`hillstrom skipped: ${section.skipped}`);
} else {
  const figure = (value: number | undefined) => (value === undefined ? '' : value.toFixed(4));
  console.table(
    section.rows.map((row) => ({
      task: row.task,
      model: row.model,
      metric: row.metric,
      value: figure(row.value),
      sd: figure(row.sd),
      reference: figure(row.reference),
      target: figure(row.target),
      met: rowMeetsTarget(row) ?? '',
    })),
  );
}
console.log(`hillstrom: ${splits} splits in ${((performance.now() - started) / 1000).toFixed(1)} s`);
