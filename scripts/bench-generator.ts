import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { demoBatchDefaults, generateDemoBatch } from '../shared/demo/generate-demo-batch';

/**
 * Demo world generator throughput: writes a whole demo batch (seven CSV files, manifest.json,
 * truth.jsonl) exactly as `npm run demo:data` does and prints lines per file, bytes, wall time,
 * lines/s, CPU and the peak resident memory of the process (worker threads included: they live in
 * the same process).
 *
 *   npm run bench:generator                                  # 1,000,000 customers, 24 months
 *   npm run bench:generator -- --customers 100000 --workers 1
 */

// Two years of history: about 47 transaction lines per customer, where the demo's 18 months give 38.
const BENCH_MONTHS = 24;

const usage = `Usage: bench-generator [--customers N] [--seed N] [--months N] [--workers N] [--plain]
  [--out DIR] [--keep]`;

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`--${name} must be a positive whole number, got ${value}`);
  return n;
}

/** Lines of a text file, counted by streaming it: truth.jsonl is too large to read at once. */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
  }
  return lines;
}

const thousands = (n: number) => n.toLocaleString('en');
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string' },
      seed: { type: 'string' },
      months: { type: 'string' },
      workers: { type: 'string' },
      plain: { type: 'boolean', default: false },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const root = values.out ?? mkdtempSync(join(tmpdir(), 'bench-generator-'));
  const options = demoBatchDefaults({
    outDir: root,
    customers: integer('customers', values.customers, 1_000_000),
    ...(values.seed === undefined ? {} : { seed: integer('seed', values.seed, 0) }),
    months: integer('months', values.months, BENCH_MONTHS),
    workers: integer('workers', values.workers, availableParallelism()),
    gzip: !values.plain,
  });
  console.log(
    `demo world: ${thousands(options.customers)} customers, seed ${options.seed}, ${options.months} months, ` +
      `${options.gzip ? 'gzip' : 'plain CSV'}, ${options.workers} worker(s) asked for -> ${root}`,
  );

  try {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const batch = await generateDemoBatch(options);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const peakRss = process.resourceUsage().maxRSS * 1024;

    const truthLines = await countLines(batch.truthPath);
    const truthBytes = statSync(batch.truthPath).size;
    const manifestBytes = statSync(batch.manifestPath).size;
    let lines = truthLines;
    let bytes = truthBytes + manifestBytes;
    for (const f of batch.files) {
      console.log(
        `  ${f.dataset.padEnd(13)} ${thousands(f.rows).padStart(12)} rows  ${mib(f.bytes).padStart(9)}`,
      );
      lines += f.rows + 1;
      bytes += f.bytes;
    }
    console.log(
      `  ${'truth.jsonl'.padEnd(13)} ${thousands(truthLines).padStart(12)} lines ${mib(truthBytes).padStart(9)}`,
    );
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(`  written      ${thousands(lines)} lines (headers included), ${mib(bytes)} on disk`);
    console.log(`  wall         ${seconds.toFixed(1)} s on ${batch.workers} simulating thread(s)`);
    console.log(
      `  throughput   ${thousands(Math.round(batch.stats.transactionLines / seconds))} transaction lines/s, ` +
        `${thousands(Math.round(lines / seconds))} lines/s (all files)`,
    );
    console.log(
      `  CPU          ${cpuSeconds.toFixed(1)} s (${((cpuSeconds / seconds) * 100).toFixed(0)}% of one core, ` +
        `${availableParallelism()} available)`,
    );
    console.log(`  peak RSS     ${mib(peakRss)} (main thread and workers: one process)`);
  } finally {
    if (!values.keep && values.out === undefined) rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(usage);
  process.exitCode = 1;
});
