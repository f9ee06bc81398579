/**
 * Prints the UCI Online Retail churn and value scorecard rows, with per-fold figures and the churn
 * reliability table (the full scorecard is `scripts/eval.ts`).
 *
 *   npx tsx scripts/eval-online-retail.ts     # data from $CAMPAIGN_DATA_DIR or ../shared/data
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rowMeetsTarget } from '../shared/domain/model-eval/scorecard-row';
import { initTensorflow } from '../shared/domain/scoring/tensorflow';
import {
  evaluateOnlineRetail,
  ONLINE_RETAIL_FILE,
  onlineRetailSection,
  scorecardRows,
} from './eval/online-retail';

const dataDir = resolve(process.env.CAMPAIGN_DATA_DIR ?? resolve(import.meta.dirname, '../../shared/data'));
const path = join(dataDir, ONLINE_RETAIL_FILE);
if (!existsSync(path)) {
  const section = await onlineRetailSection(dataDir);
  console.log('skipped' in section ? `online_retail skipped: ${section.skipped}` : 'unexpected rows');
  process.exit(0);
}

const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
console.error(`TF.js backend: ${(await initTensorflow()).backend}`);
const evaluation = await evaluateOnlineRetail(path, { log: (m) => console.error(`[${seconds()}s] ${m}`) });
const f = (v: number | undefined) => (v === undefined ? '' : v.toFixed(4));

console.log(`\nonline_retail: ${evaluation.lines} cleaned lines, ${evaluation.customers} customers`);
console.log(`churn rate ${f(evaluation.churn.churnRate)} over ${evaluation.churn.rows} customers`);
console.log('\nmetric | value | sd | reference | met | model | task');
for (const row of scorecardRows(evaluation)) {
  const met = rowMeetsTarget(row);
  console.log(
    [
      row.metric,
      f(row.value),
      f(row.sd),
      f(row.reference),
      met === undefined ? '' : met ? 'yes' : 'NO',
      row.model,
      row.task,
    ].join(' | '),
  );
}
console.log(`\nchurn AUC per fold: ${evaluation.churn.auc.map(f).join(', ')}`);
console.log(`value R² per fold: ${evaluation.value.r2.map(f).join(', ')}`);
console.log(`value Spearman per fold: ${evaluation.value.spearman.map(f).join(', ')}`);
console.log(`value top-decile capture per fold: ${evaluation.value.topDecileCapture.map(f).join(', ')}`);
console.log('\nchurn reliability (pooled calibrated out-of-fold probabilities, deciles):');
console.log('mean predicted | observed rate | customers');
for (const bin of evaluation.churn.pooled.bins)
  console.log(`${f(bin.meanPredicted)} | ${f(bin.observedRate)} | ${bin.rows}`);
console.log(`Brier (pooled) ${f(evaluation.churn.pooled.brier)}, ECE ${f(evaluation.churn.pooled.ece)}`);
console.log(`\nwall time ${seconds()} s`);
