import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { contractFor, DATASET_NAMES, type DatasetName } from '../domain/contracts/datasets';
import { campaignSettings, keySegment, type Manifest, manifest } from '../domain/contracts/manifest';
import { type PlantedBadRow, planBadRows } from './bad-rows';
import { dayOf, formatDay, monthsBefore } from './calendar';
import { CONTROL_SHARE } from './campaigns';
import { type Cell, CsvWriter, LineWriter, type WrittenFile } from './csv-writer';
import { DEMO_CHANNELS, demoOffers, PAST_CAMPAIGN_OFFSETS } from './offers';
import { buildCatalogue } from './products';
import { channelRow, offerRow, productRow } from './rows';
import { ShardLedger } from './shard-ledger';
import { runInThread, runOnWorkers, type ShardSink, startWorkers, stopWorkers } from './shard-pool';
import { type ShardOutput, shardRanges, type WorldSetup } from './shards';
import type { PlantedInChunk } from './transaction-sink';
import { type Frame, signupDays } from './world';

export type { PlantedBadRow } from './bad-rows';

export interface DemoBatchOptions {
  /** Directory to write into (created if missing). */
  outDir: string;
  /** Everything is a function of the seed. */
  seed: number;
  customers: number;
  /** `YYYY-MM-DD` data cut-off; the history ends the day before. */
  asOf: string;
  /** History length in months (6 to 36). */
  months: number;
  partner: string;
  batchId: string;
  /** Write every file as `.csv.gz` rather than `.csv`. */
  gzip: boolean;
  /** Plant a small, known set of invalid rows. */
  badRows: boolean;
  /**
   * Share of each past campaign's customers randomized into the control group; default 0.2. With 0
   * the history has no control group (as many partners' histories do) and customers no channel may
   * reach are not contacted at all.
   */
  controlShare?: number;
  /** Copied into `manifest.campaign`; `sendDate` is also the day truth.jsonl describes (default asOf + 7). */
  campaign?: { budget?: number; holdoutFraction?: number; sendDate?: string };
  /**
   * Threads simulating customers; 1 simulates in the calling thread. The files are the same whatever
   * the number. Default: the available parallelism, or 1 for worlds under 20,000 customers, which
   * take less time to simulate than workers take to start.
   */
  workers?: number;
}

export interface DemoBatch {
  manifestPath: string;
  manifest: Manifest;
  files: { dataset: DatasetName; path: string; rows: number; bytes: number }[];
  /** Exactly the invalid rows planted. */
  plantedBadRows: PlantedBadRow[];
  /** The planted response model for the next campaign; not part of the batch or its manifest. */
  truthPath: string;
  /** Threads that simulated customers (1 when workers were not asked for or could not start). */
  workers: number;
  stats: {
    customers: number;
    products: number;
    transactionLines: number;
    transactions: number;
    offers: number;
    channels: number;
    contacts: number;
    responses: number;
  };
}

/** Largest world: ids and counts stay in range, and memory does not grow with it. */
export const MAX_CUSTOMERS = 10_000_000;
/** Below this many customers, starting worker threads (about 0.5 s each) costs more than it saves. */
const WORKERS_FROM_CUSTOMERS = 20_000;

/** The demo defaults (10,000 customers, seed 42, asOf 2026-11-01, 18 months), with `overrides` applied. */
export function demoBatchDefaults(overrides: Partial<DemoBatchOptions> = {}): DemoBatchOptions {
  const asOf = overrides.asOf ?? '2026-11-01';
  return {
    outDir: '.local/demo',
    seed: 42,
    customers: 10_000,
    asOf,
    months: 18,
    partner: 'demo-retail',
    batchId: asOf,
    gzip: true,
    badRows: true,
    campaign: { budget: 2500, holdoutFraction: 0.05, sendDate: formatDay(dayOf(asOf) + 7) },
    ...overrides,
  };
}

function frameOf(options: DemoBatchOptions): Frame {
  if (!Number.isSafeInteger(options.seed)) throw new Error('seed must be a safe integer');
  if (!Number.isInteger(options.customers) || options.customers < 1 || options.customers > MAX_CUSTOMERS) {
    throw new Error(`customers must be a whole number from 1 to ${MAX_CUSTOMERS}`);
  }
  if (options.workers !== undefined && !(Number.isInteger(options.workers) && options.workers >= 1)) {
    throw new Error('workers must be a whole number from 1');
  }
  if (options.controlShare !== undefined && !(options.controlShare >= 0 && options.controlShare < 1)) {
    throw new Error(`controlShare must be from 0 to below 1, got ${options.controlShare}`);
  }
  // The first past campaign is sent 150 days before asOf and must lie inside the history.
  if (!Number.isInteger(options.months) || options.months < 6 || options.months > 36) {
    throw new Error('months must be a whole number from 6 to 36');
  }
  for (const [name, value] of [
    ['partner', options.partner],
    ['batchId', options.batchId],
  ] as const) {
    if (!keySegment.safeParse(value).success) {
      throw new Error(
        `${name} must be 1-64 letters, digits, '.', '-' or '_', starting with a letter or digit`,
      );
    }
  }
  // Checked now rather than when the manifest is written, after the whole batch has been generated.
  const settings = campaignSettings.safeParse(options.campaign ?? {});
  if (!settings.success) throw new Error(`invalid campaign settings: ${settings.error.message}`);
  const asOfDay = dayOf(options.asOf);
  const sendDate = options.campaign?.sendDate;
  const nextSendDay = sendDate === undefined ? asOfDay + 7 : dayOf(sendDate);
  if (nextSendDay < asOfDay) throw new Error('campaign.sendDate must not be before asOf');
  const historyStartDay = monthsBefore(asOfDay, options.months);
  if (historyStartDay > asOfDay - Math.max(...PAST_CAMPAIGN_OFFSETS) - 14) {
    throw new Error('the history must start before the first past campaign');
  }
  return { asOfDay, historyStartDay, endDay: asOfDay - 1, nextSendDay };
}

function columnsOf(dataset: DatasetName): string[] {
  return contractFor(dataset).columns.map((c) => c.name);
}

async function writeSmall(path: string, dataset: DatasetName, rows: Cell[][], gzip: boolean) {
  const writer = new CsvWriter(path, columnsOf(dataset), gzip);
  for (const row of rows) writer.row(row);
  return writer.close();
}

interface Outputs {
  readonly customers: CsvWriter;
  readonly transactions: CsvWriter;
  readonly contacts: CsvWriter;
  readonly responses: CsvWriter;
  readonly truth: LineWriter;
}

/** Writes each shard's rows after the previous shard's, recording where the planted rows landed. */
function shardWriter(out: Outputs, planted: { customers: PlantedBadRow[]; lines: PlantedBadRow[] }) {
  const locate = (dataset: DatasetName, firstLine: number, rows: readonly PlantedInChunk[]) =>
    rows.map(({ row, column, rule }) => ({ dataset, line: firstLine + row, column, rule }));
  return async (shard: ShardOutput): Promise<void> => {
    planted.customers.push(...locate('customers', out.customers.nextLine, shard.plantedCustomers));
    planted.lines.push(...locate('transactions', out.transactions.nextLine, shard.plantedLines));
    await Promise.all([
      out.customers.append(shard.customers.bytes, shard.customers.lines),
      out.transactions.append(shard.transactions.bytes, shard.transactions.lines),
      out.contacts.append(shard.contacts.bytes, shard.contacts.lines),
      out.responses.append(shard.responses.bytes, shard.responses.lines),
      out.truth.bytes(shard.truth.bytes, shard.truth.lines),
    ]);
  };
}

/** Simulates every customer, on worker threads when asked for and available, and streams the rows. */
async function writeCustomers(
  options: DemoBatchOptions,
  frame: Frame,
  sink: ShardSink,
): Promise<{ receipts: number; workers: number }> {
  const { seed, customers, badRows, controlShare = CONTROL_SHARE } = options;
  const world: WorldSetup = { seed, customers, frame, badRows, controlShare };
  const ranges = shardRanges(customers);
  const ledger = new ShardLedger(badRows ? planBadRows(seed, customers) : null);
  const workers = options.workers ?? (customers < WORKERS_FROM_CUSTOMERS ? 1 : availableParallelism());
  const wanted = Math.min(workers, ranges.length);
  const signups = signupDays(seed, customers, frame);
  if (wanted > 1) {
    // One copy of the signup days, read by every worker.
    const shared = new Int32Array(new SharedArrayBuffer(signups.byteLength));
    shared.set(signups);
    const setup = { world, signups: shared };
    const workers = await startWorkers(setup, wanted);
    if (workers) {
      try {
        await runOnWorkers(workers, ranges, ledger, sink);
      } finally {
        await stopWorkers(workers);
      }
      return { receipts: ledger.totalReceipts, workers: workers.length };
    }
  }
  await runInThread({ world, signups }, ranges, ledger, sink);
  return { receipts: ledger.totalReceipts, workers: 1 };
}

/** Generates a complete demo batch (seven CSV files and manifest.json) plus truth.jsonl into `outDir`. */
export async function generateDemoBatch(options: DemoBatchOptions): Promise<DemoBatch> {
  const frame = frameOf(options);
  const { outDir, seed, gzip } = options;
  await mkdir(outDir, { recursive: true });
  const fileOf = (d: DatasetName) => join(outDir, `${d}.csv${gzip ? '.gz' : ''}`);
  // A rerun with the other compression must not leave files the manifest no longer names.
  await Promise.all(
    DATASET_NAMES.map((d) => rm(join(outDir, `${d}.csv${gzip ? '' : '.gz'}`), { force: true })),
  );

  const catalogue = buildCatalogue(seed);
  const offers = demoOffers(frame, options.customers);
  const written: Partial<Record<DatasetName, WrittenFile>> = {};
  written.products = await writeSmall(
    fileOf('products'),
    'products',
    catalogue.products.map(productRow),
    gzip,
  );
  written.offers = await writeSmall(fileOf('offers'), 'offers', offers.map(offerRow), gzip);
  written.channels = await writeSmall(fileOf('channels'), 'channels', DEMO_CHANNELS.map(channelRow), gzip);

  const csv = (d: DatasetName) => new CsvWriter(fileOf(d), columnsOf(d), gzip);
  const truthPath = join(outDir, 'truth.jsonl');
  const out: Outputs = {
    customers: csv('customers'),
    transactions: csv('transactions'),
    contacts: csv('contacts'),
    responses: csv('responses'),
    truth: new LineWriter(truthPath, false),
  };
  const planted = { customers: [] as PlantedBadRow[], lines: [] as PlantedBadRow[] };
  let simulated: { receipts: number; workers: number };
  try {
    simulated = await writeCustomers(options, frame, shardWriter(out, planted));
  } catch (error) {
    const reason = error instanceof Error ? error : new Error(String(error));
    for (const w of [out.customers, out.transactions, out.contacts, out.responses, out.truth]) {
      w.abort(reason);
    }
    throw error;
  }
  [written.customers, written.transactions, written.contacts, written.responses] = await Promise.all([
    out.customers.close(),
    out.transactions.close(),
    out.contacts.close(),
    out.responses.close(),
  ]);
  await out.truth.close();

  const files = DATASET_NAMES.map((dataset) => {
    const file = written[dataset];
    if (!file) throw new Error(`no file written for ${dataset}`);
    return { dataset, ...file };
  });
  const parsed = manifest.parse({
    manifestVersion: 1,
    partner: options.partner,
    batchId: options.batchId,
    createdAt: `${options.asOf}T00:00:00Z`,
    asOf: options.asOf,
    ...(options.campaign === undefined ? {} : { campaign: options.campaign }),
    files: files.map((f) => ({
      dataset: f.dataset,
      key: basename(f.path),
      format: 'csv',
      compression: gzip ? 'gzip' : 'none',
      delimiter: ',',
      rows: f.rows,
      sha256: f.sha256,
    })),
  });
  const manifestPath = join(outDir, 'manifest.json');
  await writeFile(manifestPath, `${JSON.stringify(parsed, null, 2)}\n`);

  const rowsOf = (d: DatasetName) => written[d]?.rows ?? 0;
  return {
    manifestPath,
    manifest: parsed,
    files: files.map(({ dataset, path, rows, bytes }) => ({ dataset, path, rows, bytes })),
    plantedBadRows: [...planted.customers, ...planted.lines],
    truthPath,
    workers: simulated.workers,
    stats: {
      customers: rowsOf('customers'),
      products: rowsOf('products'),
      transactionLines: rowsOf('transactions'),
      transactions: simulated.receipts,
      offers: rowsOf('offers'),
      channels: rowsOf('channels'),
      contacts: rowsOf('contacts'),
      responses: rowsOf('responses'),
    },
  };
}
