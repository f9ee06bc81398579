import { fork } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AthenaClient } from '@aws-sdk/client-athena';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance, quotedIdentifier, quotedString } from '@duckdb/node-api';
import S3rver from 's3rver';
import { DUCKDB_TYPE } from '../infra/local/athena/lake-views';
import { LOCAL_RESOURCES, startStackAthena } from '../infra/local/stack';
import { AthenaQueryEngine } from '../shared/adapters/aws/athena-query-engine';
import { S3ObjectStore } from '../shared/adapters/aws/s3-object-store';
import { demoBatchDefaults, generateDemoBatch } from '../shared/demo/generate-demo-batch';
import { contractFor, DATASET_NAMES, type DatasetName } from '../shared/domain/contracts/datasets';
import { type Manifest, manifest as manifestSchema } from '../shared/domain/contracts/manifest';
import { curatedPartitionPrefix, lakeTableOf, MONTH_KEY } from '../shared/domain/lake/catalog';
import type { RunState } from '../shared/domain/runs/run-state';
import type { CompletedQuery, QueryEngine, ResultRow } from '../shared/ports/query-engine';
import { buildFeatures } from '../shared/use-cases/build-features';

/**
 * Feature build throughput: the BuildFeatures stage over a generated demo world, run the way the
 * local stack runs it. The world (default 1,000,000 customers, 24 months, about 47M transaction
 * lines) is generated with the demo generator, or reused with --world. Its curated lake is built
 * with one DuckDB `COPY (SELECT … FROM read_csv(…)) TO … (FORMAT PARQUET, PARTITION_BY (month))`
 * per dataset, columns and types from the contracts, laid out as intake lays it out
 * (`curated/{dataset}/run_id={runId}/[month=YYYY-MM/]`); this is timed apart and is NOT the
 * intake stage (which validates every cell; see `npm run bench:intake` for its throughput).
 *
 * The feature build itself runs in a fresh child process, so that its peak RSS is its own: the
 * lake is uploaded to s3rver, the local Athena endpoint (DuckDB) is started over it exactly as
 * `infra/local/stack.ts` does, a first query fills the endpoint's lake mirror (timed apart), then
 * `buildFeatures` runs with the AthenaQueryEngine over an unchanged Athena SDK client, writing the
 * scoring features and training set results to S3 and the catalog to the lake bucket.
 *
 *   npm run bench:features                                  # 1,000,000 customers, 24 months
 *   npm run bench:features -- --customers 100000
 *   npm run bench:features -- --world /tmp/world-1m         # generates it there once, then reuses it
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Two years of history, as bench:generator: about 47 transaction lines per customer.
const BENCH_MONTHS = 24;
const RUN_ID = 'bench-features';
/** s3rver accepts only its own key pair. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

const usage = `Usage: bench-features [--customers N] [--months N] [--seed N] [--world DIR] [--keep]`;

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`--${name} must be a positive whole number, got ${value}`);
  return n;
}

const thousands = (n: number) => n.toLocaleString('en');
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Every file under `dir`, with its size. */
function filesUnder(dir: string): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.push({ path, size: statSync(path).size });
  }
  return out;
}

function readManifest(worldDir: string): Manifest {
  return manifestSchema.parse(JSON.parse(readFileSync(join(worldDir, 'manifest.json'), 'utf8')));
}

/**
 * The world's curated lake under `lakeDir`, one DuckDB COPY per dataset. Cells are cast with
 * TRY_CAST to the contract's storage type (the DuckDB type the local Athena views use) and rows
 * whose required cells do not cast are dropped: a type check only, not intake's rules.
 */
async function buildLake(worldDir: string, files: Manifest['files'], lakeDir: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(availableParallelism()) });
  const connection = await instance.connect();
  try {
    // Timestamps without a zone stay as written, like intake and Athena.
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(`SET temp_directory = ${quotedString(join(lakeDir, '.duckdb-tmp'))}`);
    for (const dataset of DATASET_NAMES) {
      const file = files.find((f) => f.dataset === dataset);
      if (!file) continue;
      const started = performance.now();
      const table = lakeTableOf(dataset);
      const columns = contractFor(dataset).columns;
      const cast = (name: string, storage: keyof typeof DUCKDB_TYPE) =>
        `TRY_CAST(${quotedIdentifier(name)} AS ${DUCKDB_TYPE[storage]})`;
      const select = columns.map((c) => `${cast(c.name, c.storage)} AS ${quotedIdentifier(c.name)}`);
      const monthOf = table.monthOf;
      if (monthOf) select.push(`strftime(${cast(monthOf, 'timestamp')}, '%Y-%m') AS ${MONTH_KEY}`);
      const required = columns.filter((c) => c.required).map((c) => `${cast(c.name, c.storage)} IS NOT NULL`);
      const source = `read_csv(${quotedString(join(worldDir, file.key))}, header = true, all_varchar = true, delim = ${quotedString(file.delimiter ?? ',')}, quote = '"', escape = '"')`;
      const query = `SELECT ${select.join(', ')} FROM ${source}${required.length ? ` WHERE ${required.join(' AND ')}` : ''}`;
      const target = join(lakeDir, curatedPartitionPrefix(dataset, RUN_ID));
      mkdirSync(target, { recursive: true });
      await connection.run(
        monthOf
          ? `COPY (${query}) TO ${quotedString(target)} (FORMAT PARQUET, COMPRESSION SNAPPY, PARTITION_BY (${MONTH_KEY}), FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE)`
          : `COPY (${query}) TO ${quotedString(join(target, 'part-0.parquet'))} (FORMAT PARQUET, COMPRESSION SNAPPY)`,
      );
      const bytes = filesUnder(target).reduce((s, f) => s + f.size, 0);
      console.log(
        `  ${dataset.padEnd(13)} ${thousands(file.rows).padStart(12)} rows  ${mib(bytes).padStart(10)} Parquet  ${secs(performance.now() - started)}`,
      );
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(join(lakeDir, '.duckdb-tmp'), { recursive: true, force: true });
  }
}

/**
 * The query engine with, per query, when SUCCEEDED was seen (ms since `origin`, the build's start)
 * and the time spent paging its rows. The stage submits most queries together, so a query's own
 * wall time says little: the local endpoint runs them one at a time.
 */
class TimedQueries implements QueryEngine {
  readonly wall = new Map<string, { doneAtMs: number; readMs: number }>();
  private readonly nameOf = new Map<string, string>();
  origin = performance.now();

  constructor(private readonly inner: QueryEngine) {}

  async run(name: string, sql: string): Promise<CompletedQuery> {
    const done = await this.inner.run(name, sql);
    this.wall.set(name, { doneAtMs: performance.now() - this.origin, readMs: 0 });
    this.nameOf.set(done.queryExecutionId, name);
    return done;
  }

  async *rows(queryExecutionId: string): AsyncIterable<ResultRow> {
    const started = performance.now();
    yield* this.inner.rows(queryExecutionId);
    const entry = this.wall.get(this.nameOf.get(queryExecutionId) ?? '');
    if (entry) entry.readMs += performance.now() - started;
  }
}

/** The child process: S3 emulator, local Athena over the lake, then the timed feature build. */
async function featurePhase(lakeDir: string, workDir: string, asOf: string): Promise<void> {
  const s3Dir = join(workDir, 's3');
  mkdirSync(s3Dir, { recursive: true });
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: s3Dir,
    configureBuckets: [
      { name: LOCAL_RESOURCES.lakeBucket, configs: [] },
      { name: LOCAL_RESOURCES.athenaResultsBucket, configs: [] },
    ],
  });
  const { port } = await s3rver.run();
  const stops: (() => Promise<void>)[] = [() => s3rver.close()];
  try {
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      credentials: CREDENTIALS,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });

    let started = performance.now();
    const lakeFiles = filesUnder(lakeDir).filter((f) => f.path.endsWith('.parquet'));
    let next = 0;
    const upload = async () => {
      for (let file = lakeFiles[next++]; file !== undefined; file = lakeFiles[next++]) {
        await s3.send(
          new PutObjectCommand({
            Bucket: LOCAL_RESOURCES.lakeBucket,
            Key: relative(lakeDir, file.path).split(sep).join('/'),
            Body: createReadStream(file.path),
            ContentLength: file.size,
          }),
        );
      }
    };
    await Promise.all([upload(), upload(), upload(), upload()]);
    console.log(
      `  upload       ${lakeFiles.length} Parquet files to the S3 emulator (s3rver) in ${secs(performance.now() - started)}`,
    );

    const athena = await startStackAthena(s3, workDir);
    stops.push(athena.stop);
    const engine = new AthenaQueryEngine(
      new AthenaClient({ region: 'us-east-1', endpoint: athena.endpoint, credentials: CREDENTIALS }),
      { workgroup: LOCAL_RESOURCES.athenaWorkgroup, database: LOCAL_RESOURCES.athenaDatabase },
    );

    // The endpoint copies the lake from S3 to its DuckDB mirror on its first query; on AWS there is
    // no such copy, so it is timed apart (a cold local run pays it inside its first feature query).
    started = performance.now();
    await engine.run('warm_mirror', 'SELECT 1');
    console.log(
      `  mirror       local Athena's first query (lake copied to its mirror) ${secs(performance.now() - started)}`,
    );

    const queries = new TimedQueries(engine);
    const state: RunState = {
      runId: RUN_ID,
      trigger: { source: 's3' },
      batch: {
        bucket: 'landing',
        manifestKey: 'incoming/bench/b1/manifest.json',
        manifestVersion: '',
        partner: 'bench',
        batchId: 'b1',
      },
      campaign: { budget: 1, holdoutFraction: 0, sendDate: asOf, seed: 1, currency: 'EUR' },
      startedAt: new Date().toISOString(),
      stages: { validate: { status: 'ACCEPTED', asOf, files: [] } },
    };
    // Another process on a 2-core machine shows up in every figure below: the load says whether one ran.
    const load = () => loadavg()[0]?.toFixed(2) ?? '?';
    const loadBefore = load();
    const before = process.resourceUsage().maxRSS * 1024;
    const cpuBefore = process.cpuUsage();
    started = performance.now();
    queries.origin = started;
    const result = await buildFeatures(state, {
      store: new S3ObjectStore(s3),
      queries,
      lakeBucket: LOCAL_RESOURCES.lakeBucket,
    });
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const peak = process.resourceUsage().maxRSS * 1024;

    const { output } = result;
    console.log(
      `feature build: ${thousands(output.customers)} customers scored, ${thousands(output.trainingRows)} training rows ` +
        `(the contacts of a sample of customers, of ${thousands(result.counts?.contacts ?? 0)}), ` +
        `${output.queries.length} queries in ${secs(ms)} (target 60 s); all but the first submitted together, ` +
        'run one at a time by the local endpoint, each result uploaded while the next runs',
    );
    for (const q of output.queries) {
      const wall = queries.wall.get(q.name);
      const paging = wall && wall.readMs > 0 ? `, + ${secs(wall.readMs)} reading rows` : '';
      console.log(
        `  ${q.name.padEnd(18)} done at ${secs(wall?.doneAtMs ?? 0).padStart(7)}  (engine ${secs(q.engineMs)}, ` +
          `scanned ${mib(q.bytesScanned)}${paging})`,
      );
    }
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(
      `  CPU          ${cpuSeconds.toFixed(1)} s (${((cpuSeconds / (ms / 1000)) * 100).toFixed(0)}% of one core, ` +
        `${availableParallelism()} available; DuckDB runs in-process with threads = 2)`,
    );
    console.log(`  load         1-minute load average ${loadBefore} before, ${load()} after (2 cores)`);
    console.log(
      `  peak RSS     ${mib(peak)} (DuckDB, s3rver and the endpoint: one process; ${mib(before)} before the build)`,
    );
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

/** Runs the feature phase in a fresh process (tsx's loader is inherited through execArgv). */
function runChild(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`the feature build process exited with ${signal ?? code}`)),
    );
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string' },
      months: { type: 'string' },
      seed: { type: 'string' },
      world: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      // Internal: the child process's part.
      phase: { type: 'string' },
      lake: { type: 'string' },
      work: { type: 'string' },
      'as-of': { type: 'string' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (values.phase === 'features') {
    if (!values.lake || !values.work || !values['as-of'])
      throw new Error('--phase features needs --lake, --work, --as-of');
    await featurePhase(values.lake, values.work, values['as-of']);
    return;
  }

  const root = mkdtempSync(join(tmpdir(), 'bench-features-'));
  const worldDir = values.world ?? join(root, 'world');
  try {
    if (existsSync(join(worldDir, 'manifest.json'))) {
      console.log(`demo world: reusing ${worldDir}`);
    } else {
      const options = demoBatchDefaults({
        outDir: worldDir,
        customers: integer('customers', values.customers, 1_000_000),
        ...(values.seed === undefined ? {} : { seed: integer('seed', values.seed, 0) }),
        months: integer('months', values.months, BENCH_MONTHS),
        workers: availableParallelism(),
        // Plain CSV: DuckDB reads it on every core, where a gzip file is read on one.
        gzip: false,
        badRows: false,
      });
      const started = performance.now();
      await generateDemoBatch(options);
      console.log(
        `demo world: ${thousands(options.customers)} customers, seed ${options.seed}, ${options.months} months, ` +
          `generated in ${secs(performance.now() - started)} -> ${worldDir}`,
      );
    }
    const manifest = readManifest(worldDir);
    const rowsOf = (d: DatasetName) => manifest.files.find((f) => f.dataset === d)?.rows ?? 0;
    const asOf = manifest.asOf;
    if (!asOf) throw new Error('the world has no asOf in its manifest');
    console.log(
      `  ${thousands(rowsOf('customers'))} customers, ${thousands(rowsOf('transactions'))} transaction lines, ` +
        `${thousands(rowsOf('contacts'))} contacts, asOf ${asOf}`,
    );

    const lakeDir = join(root, 'lake');
    console.log(
      'curated lake: DuckDB COPY read_csv -> Parquet (contract types, month partitions; not the intake stage)',
    );
    const started = performance.now();
    await buildLake(worldDir, manifest.files, lakeDir);
    const lakeBytes = filesUnder(lakeDir).reduce((s, f) => s + f.size, 0);
    console.log(
      `  lake         ${mib(lakeBytes)} of Parquet built in ${secs(performance.now() - started)} (not part of the feature build)`,
    );

    await runChild([
      '--phase',
      'features',
      '--lake',
      lakeDir,
      '--work',
      join(root, 'stack'),
      '--as-of',
      asOf,
    ]);
  } finally {
    if (values.keep) console.log(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(usage);
  process.exitCode = 1;
});
