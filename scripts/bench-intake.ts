import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { DatasetName } from '../shared/domain/contracts/datasets';
import type { ManifestFile } from '../shared/domain/contracts/manifest';
import type { RunState } from '../shared/domain/runs/run-state';
import type { RunRepository } from '../shared/ports/run-repository';
import { validateBatch } from '../shared/use-cases/validate-batch';
import { FsObjectStore } from './support/fs-object-store';

/**
 * Intake throughput: generates a batch of customers, products and N transaction lines as CSV on
 * disk, then runs the validate stage over it exactly as the Lambda does (manifest, checksums,
 * contracts, cross-file rules, profiling, curated Parquet, quarantine), with the object store on
 * the local filesystem. Prints rows/s and the peak resident memory of the process.
 *
 *   npm run bench:intake -- --lines 10000000
 *
 * `--profile FILE` writes a V8 CPU profile (.cpuprofile) of the validate stage alone, without the
 * generation of the files, for Chrome DevTools or a script that sums self time by function.
 */

const usage = `Usage: bench-intake [--lines N] [--customers N] [--products N] [--dir DIR] [--keep] [--profile FILE]`;

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`--${name} must be a positive whole number, got ${value}`);
  return n;
}

/** A small, fast, seeded generator (xorshift32): the benchmark must not measure its own dice. */
class Dice {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 4_294_967_296;
  }
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}

interface Written {
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** Writes a CSV file line by line, hashing as it goes, with back-pressure. */
async function writeCsv(
  path: string,
  header: string,
  rows: number,
  line: (i: number) => string,
): Promise<Written> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const hash = createHash('sha256');
  let bytes = 0;
  let chunk = `${header}\n`;
  const flush = async () => {
    hash.update(chunk);
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    chunk = '';
  };
  for (let i = 0; i < rows; i += 1) {
    chunk += `${line(i)}\n`;
    if (chunk.length > 1 << 20) await flush();
  }
  await flush();
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return { rows, bytes, sha256: hash.digest('hex') };
}

const CHANNELS = ['online', 'over_the_counter', 'app'] as const;
const REGIONS = ['north', 'south', 'east', 'west', 'centre'] as const;
const CATEGORIES = ['grocery', 'home', 'garden', 'toys', 'fashion', 'beauty', 'sport', 'books'] as const;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

async function generate(
  dir: string,
  lines: number,
  customers: number,
  products: number,
): Promise<Map<DatasetName, Written>> {
  const dice = new Dice(42);
  const files = new Map<DatasetName, Written>();
  files.set(
    'customers',
    await writeCsv(
      join(dir, 'customers.csv'),
      'customer_id,signup_date,region,birth_year,gender,consent_email,consent_sms',
      customers,
      (i) =>
        `C${pad(i, 7)},20${pad(15 + dice.below(10), 2)}-${pad(1 + dice.below(12), 2)}-${pad(1 + dice.below(28), 2)},` +
        `${REGIONS[dice.below(REGIONS.length)]},${1940 + dice.below(65)},${'fmxu'[dice.below(4)]},` +
        `${dice.next() < 0.7},${dice.next() < 0.4}`,
    ),
  );
  const prices: number[] = [];
  files.set(
    'products',
    await writeCsv(
      join(dir, 'products.csv'),
      'product_id,category,subcategory,price,unit_cost',
      products,
      (i) => {
        const price = 1 + dice.below(20_000) / 100;
        prices.push(price);
        return `P${pad(i, 6)},${CATEGORIES[i % CATEGORIES.length]},sub${i % 40},${price.toFixed(2)},${(price * 0.6).toFixed(2)}`;
      },
    ),
  );
  // Two years of trade ending 2026-10-31, with 3% returns and a receipt every ~3 lines.
  const start = Date.UTC(2024, 10, 1);
  const span = Date.UTC(2026, 9, 31) - start;
  let receipt = 0;
  let customer = 0;
  let ts = '';
  files.set(
    'transactions',
    await writeCsv(
      join(dir, 'transactions.csv'),
      'line_id,transaction_id,customer_id,ts,product_id,quantity,unit_price,discount,branch,sales_channel',
      lines,
      (i) => {
        if (i === 0 || dice.next() < 0.33) {
          receipt += 1;
          customer = dice.below(customers);
          ts = new Date(start + Math.floor(dice.next() * span)).toISOString().slice(0, 19);
        }
        const product = dice.below(products);
        const quantity = dice.next() < 0.03 ? -1 : 1 + dice.below(4);
        const guest = customer % 10 === 0;
        return (
          `L${pad(i, 9)},T${pad(receipt, 8)},${guest ? '' : `C${pad(customer, 7)}`},${ts},P${pad(product, 6)},` +
          `${quantity},${(prices[product] ?? 1).toFixed(2)},${dice.next() < 0.1 ? '0.50' : ''},` +
          `B${pad(customer % 50, 2)},${CHANNELS[customer % 3]}`
        );
      },
    ),
  );
  return files;
}

/**
 * CPU seconds of this process's main thread (Linux), which other processes on the machine do not
 * inflate the way they do wall time; undefined where /proc cannot tell.
 */
function mainThreadCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks of 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** What the validate stage needs of the run table: nothing to compare with, accounts recorded nowhere. */
const noHistory = {
  recordFiles: async () => undefined,
  list: async () => ({ runs: [] }),
} as unknown as RunRepository;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string' },
      customers: { type: 'string' },
      products: { type: 'string' },
      dir: { type: 'string' },
      keep: { type: 'boolean', default: false },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const lines = integer('lines', values.lines, 10_000_000);
  const customers = integer('customers', values.customers, 250_000);
  const products = integer('products', values.products, 5_000);
  const root = values.dir ?? mkdtempSync(join(tmpdir(), 'bench-intake-'));
  const partner = 'bench';
  const batchId = 'b1';
  const landing = join(root, 'landing', 'incoming', partner, batchId);
  mkdirSync(landing, { recursive: true });

  try {
    let started = performance.now();
    const written = await generate(landing, lines, customers, products);
    const total = [...written.values()].reduce((s, w) => s + w.bytes, 0);
    console.log(
      `generated ${lines.toLocaleString('en')} transaction lines, ${customers.toLocaleString('en')} customers, ` +
        `${products.toLocaleString('en')} products: ${(total / 2 ** 20).toFixed(0)} MiB of CSV in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s (${root})`,
    );
    const files: ManifestFile[] = [...written].map(([dataset, w]) => ({
      key: `${dataset}.csv`,
      dataset,
      format: 'csv',
      compression: 'none',
      encoding: 'utf-8',
      delimiter: ',',
      header: true,
      rows: w.rows,
      sha256: w.sha256,
    }));
    const store = new FsObjectStore(root);
    const manifestKey = `incoming/${partner}/${batchId}/manifest.json`;
    await store.write(
      { bucket: 'landing', key: manifestKey },
      JSON.stringify({ manifestVersion: 1, partner, batchId, files }),
      'application/json',
    );
    const state: RunState = {
      runId: 'bench-run',
      trigger: { source: 's3' },
      batch: { bucket: 'landing', manifestKey, manifestVersion: '', partner, batchId },
      campaign: { budget: 1, holdoutFraction: 0, sendDate: '2026-11-30', seed: 1, currency: 'EUR' },
      startedAt: new Date().toISOString(),
      stages: {},
    };

    const before = process.resourceUsage().maxRSS;
    const profiler = values.profile ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    started = performance.now();
    const cpuBefore = process.cpuUsage();
    const mainBefore = mainThreadCpuSeconds();
    const result = await validateBatch(state, {
      store,
      runs: noHistory,
      lakeBucket: 'lake',
      limits: {
        maxRejectedShare: 0.05,
        maxDecompressedBytes: 2 ** 40,
        maxRecordChars: 1 << 20,
        partRows: 250_000,
      },
      requiredDatasets: ['customers', 'products', 'transactions'],
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const mainAfter = mainThreadCpuSeconds();
    if (profiler && values.profile) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(values.profile, JSON.stringify(profile));
      profiler.disconnect();
    }
    const { output, counts } = result;
    if (output.status !== 'ACCEPTED') {
      throw new Error(`the batch was refused: ${JSON.stringify(output.rejection)}`);
    }
    const rows = counts?.rowsIn ?? 0;
    console.log(
      `validate stage: ${output.status}, ${rows.toLocaleString('en')} rows in ${seconds.toFixed(1)} s`,
    );
    for (const f of output.files) {
      console.log(
        `  ${f.dataset.padEnd(13)} ${f.rowsIn.toLocaleString('en').padStart(12)} in = ` +
          `${f.accepted.toLocaleString('en')} accepted + ${f.rejected.toLocaleString('en')} rejected`,
      );
    }
    console.log(`  throughput   ${Math.round(rows / seconds).toLocaleString('en')} rows/s (all files)`);
    console.log(
      `  CPU          ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (${(((cpu.user + cpu.system) / 1e6 / seconds) * 100).toFixed(0)}% of one core)`,
    );
    if (mainBefore !== undefined && mainAfter !== undefined) {
      const main = mainAfter - mainBefore;
      console.log(
        `  main thread  ${main.toFixed(1)} s CPU: ${Math.round(rows / main).toLocaleString('en')} rows per CPU second`,
      );
    }
    console.log(
      `  peak RSS     ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (${(before / 1024).toFixed(0)} MiB before validation)`,
    );
  } finally {
    if (!values.keep && values.dir === undefined) rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(usage);
  process.exitCode = 1;
});
