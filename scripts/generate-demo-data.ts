import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { demoBatchDefaults, generateDemoBatch } from '../shared/demo/generate-demo-batch';

/**
 * Writes the demo retailer's batch (seven CSV files, manifest.json) and truth.jsonl.
 *
 *   npx tsx scripts/generate-demo-data.ts --out .local/demo --customers 10000 --seed 42
 */

const usage = `Usage: generate-demo-data [--out DIR] [--customers N] [--seed N] [--as-of YYYY-MM-DD]
  [--months N] [--partner ID] [--batch-id ID] [--workers N] [--plain] [--no-bad-rows]`;

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`--${name} must be a whole number, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      customers: { type: 'string' },
      seed: { type: 'string' },
      'as-of': { type: 'string' },
      months: { type: 'string' },
      partner: { type: 'string' },
      'batch-id': { type: 'string' },
      workers: { type: 'string' },
      plain: { type: 'boolean', default: false },
      'no-bad-rows': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const base = demoBatchDefaults(values['as-of'] === undefined ? {} : { asOf: values['as-of'] });
  const options = {
    ...base,
    outDir: values.out ?? base.outDir,
    customers: integer('customers', values.customers, base.customers),
    seed: integer('seed', values.seed, base.seed),
    months: integer('months', values.months, base.months),
    partner: values.partner ?? base.partner,
    batchId: values['batch-id'] ?? base.batchId,
    gzip: !values.plain,
    badRows: !values['no-bad-rows'],
    ...(values.workers === undefined ? {} : { workers: integer('workers', values.workers, 1) }),
  };
  const started = performance.now();
  const batch = await generateDemoBatch(options);
  const seconds = (performance.now() - started) / 1000;
  const s = batch.stats;
  console.log(`demo batch ${options.partner}/${options.batchId} (seed ${options.seed}) in ${options.outDir}`);
  console.log(
    `  ${s.customers} customers, ${s.products} products, ${s.transactionLines} transaction lines ` +
      `in ${s.transactions} receipts, ${s.offers} offers, ${s.channels} channels, ` +
      `${s.contacts} contacts, ${s.responses} responses`,
  );
  for (const f of batch.files) console.log(`  ${f.path}  ${f.rows} rows  ${(f.bytes / 1024).toFixed(0)} KiB`);
  console.log(`  ${batch.plantedBadRows.length} planted bad rows; truth: ${batch.truthPath}`);
  console.log(`  done in ${seconds.toFixed(2)} s on ${batch.workers} thread(s)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(usage);
  process.exitCode = 1;
});
