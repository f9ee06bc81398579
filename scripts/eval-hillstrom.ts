/**
 * Prints the Hillstrom section of the model scorecard on its own (npm run eval prints every section):
 *
 *   npx tsx scripts/eval-hillstrom.ts [splits]      # data from $CAMPAIGN_DATA_DIR or ../shared/data
 */
import { resolve } from 'node:path';
import { rowMeetsTarget } from '../shared/domain/model-eval/scorecard-row';
import { hillstromSection } from './eval/hillstrom';

const dataDir = resolve(process.env.CAMPAIGN_DATA_DIR ?? resolve(import.meta.dirname, '../../shared/data'));
const splits = Number(process.argv[2] ?? 10);
const started = performance.now();
const section = await hillstromSection(dataDir, {
  splits,
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
