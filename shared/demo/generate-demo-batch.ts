import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { contractFor, DATASET_NAMES, type DatasetName } from '../domain/contracts/datasets';
import { campaignSettings, keySegment, type Manifest, manifest } from '../domain/contracts/manifest';
import { BAD_CUSTOMER_RULE, type BadLine, badCustomerRow, type PlantedBadRow, planBadRows } from './bad-rows';
import { dayOf, formatDay, monthsBefore, TimestampFormatter } from './calendar';
import { type Cell, CsvWriter, LineWriter, type WrittenFile } from './csv-writer';
import { dayTable, type SimulationContext, simulateCustomer } from './history';
import {
  type CampaignPlan,
  DEMO_CHANNELS,
  demoOffers,
  nextCampaign,
  PAST_CAMPAIGN_OFFSETS,
  pastCampaigns,
} from './offers';
import { buildCatalogue } from './products';
import { Random } from './random';
import { channelRow, contactRow, customerRow, offerRow, productRow, responseRow } from './rows';
import { TransactionSink } from './transaction-sink';
import { BasketMaker } from './transactions';
import { truthRecord } from './truth';
import { customerTraits, type Frame, signupDays } from './world';

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
  /** Copied into `manifest.campaign`; `sendDate` is also the day truth.jsonl describes (default asOf + 7). */
  campaign?: { budget?: number; holdoutFraction?: number; sendDate?: string };
}

export interface DemoBatch {
  manifestPath: string;
  manifest: Manifest;
  files: { dataset: DatasetName; path: string; rows: number; bytes: number }[];
  /** Exactly the invalid rows planted. */
  plantedBadRows: PlantedBadRow[];
  /** The planted response model for the next campaign; not part of the batch or its manifest. */
  truthPath: string;
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
  if (!Number.isInteger(options.customers) || options.customers < 1 || options.customers > 999_999) {
    throw new Error('customers must be a whole number from 1 to 999999');
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
  readonly transactions: TransactionSink;
  readonly contacts: CsvWriter;
  readonly responses: CsvWriter;
  readonly truth: LineWriter;
}

/** Simulates the customers one at a time and streams their rows; returns the planted bad customer rows. */
async function writeCustomers(
  options: DemoBatchOptions,
  ctx: SimulationContext,
  next: CampaignPlan,
  out: Outputs,
): Promise<PlantedBadRow[]> {
  const { seed, customers, badRows } = options;
  const { frame } = ctx;
  const time = new TimestampFormatter();
  const plan = planBadRows(seed, customers);
  const pendingLines = badRows ? [...plan.lineSlots].sort((a, b) => a.from - b.from) : [];
  const planted: PlantedBadRow[] = [];
  const signups = signupDays(seed, customers, frame);
  for (let i = 0; i < customers; i++) {
    const traits = customerTraits(seed, i, signups[i] ?? frame.endDay, frame);
    const history = simulateCustomer(ctx, traits);
    out.customers.row(customerRow(traits));
    for (const [k, slot] of plan.customerSlots.entries()) {
      if (!badRows || slot !== i) continue;
      const { column, rule } = BAD_CUSTOMER_RULE;
      planted.push({ dataset: 'customers', line: out.customers.nextLine, column, rule });
      out.customers.row(badCustomerRow(seed, customers, k, frame));
    }
    let bad: BadLine | null = null;
    const slot = pendingLines[0];
    const organic = history.baskets.filter((b) => b.kind === 'organic');
    if (slot !== undefined && slot.from <= i && organic.length > 0) {
      pendingLines.shift();
      bad = { basket: Random.stream(seed, 'bad-line', i).pick(organic), rule: slot.rule };
    }
    out.transactions.write(traits, history.baskets, bad);
    for (const contact of history.contacts) {
      out.contacts.row(contactRow(contact, traits, time));
      const response = responseRow(contact, traits, time);
      if (response) out.responses.row(response);
    }
    out.truth.line(
      JSON.stringify(truthRecord(traits, history.nextState, history.economics, history.outlook, next)),
    );
    await out.customers.pace();
    await out.transactions.writer.pace();
    await out.contacts.pace();
    await out.responses.pace();
    await out.truth.pace();
  }
  return planted;
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
    transactions: new TransactionSink(csv('transactions'), catalogue, new TimestampFormatter(), frame),
    contacts: csv('contacts'),
    responses: csv('responses'),
    truth: new LineWriter(truthPath, false),
  };
  const ctx: SimulationContext = {
    seed,
    frame,
    maker: new BasketMaker(catalogue),
    campaigns: pastCampaigns(frame, offers),
    days: dayTable(frame),
  };
  let plantedCustomers: PlantedBadRow[];
  try {
    plantedCustomers = await writeCustomers(options, ctx, nextCampaign(frame, offers), out);
  } catch (error) {
    const reason = error instanceof Error ? error : new Error(String(error));
    for (const w of [out.customers, out.transactions.writer, out.contacts, out.responses, out.truth]) {
      w.abort(reason);
    }
    throw error;
  }
  [written.customers, written.transactions, written.contacts, written.responses] = await Promise.all([
    out.customers.close(),
    out.transactions.writer.close(),
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
    plantedBadRows: [...plantedCustomers, ...out.transactions.planted],
    truthPath,
    stats: {
      customers: rowsOf('customers'),
      products: rowsOf('products'),
      transactionLines: rowsOf('transactions'),
      transactions: out.transactions.transactions,
      offers: rowsOf('offers'),
      channels: rowsOf('channels'),
      contacts: rowsOf('contacts'),
      responses: rowsOf('responses'),
    },
  };
}
