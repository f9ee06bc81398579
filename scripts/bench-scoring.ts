/**
 * Benchmarks the score stage on a synthetic batch as the features stage writes it: trains the
 * response model on the campaign history, the churn and value models on the snapshots, fits
 * BG/NBD, and scores every customer for every action. Prints training time, scoring throughput
 * and peak RSS. Files live in a temporary directory (FsObjectStore), so memory is the stage's own.
 *
 *   npx tsx scripts/bench-scoring.ts                           # 1,000,000 customers x 24 arms
 *   npx tsx scripts/bench-scoring.ts --customers 100000 --contacts 50000
 */

import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Random } from '../shared/demo/random';
import type { CampaignCatalog } from '../shared/domain/catalog/campaign-catalog';
import { FIXED_FEATURE_NAMES } from '../shared/domain/features/feature-vector';
import type { RunState } from '../shared/domain/runs/run-state';
import { scoreRunCustomers } from '../shared/use-cases/score-customers';
import { TRAINING_SET_COLUMNS } from '../shared/use-cases/scoring/training-rows';
import { FsObjectStore } from './support/fs-object-store';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    contacts: { type: 'string', default: '300000' },
  },
});
const CUSTOMERS = Number(args.customers);
const CONTACTS = Number(args.contacts);
const OFFERS = ['O1', 'O2', 'O3', 'O4', 'O5', 'O6'];
const CHANNELS = ['email', 'sms', 'push', 'direct_mail'];
const CATEGORIES = ['bakery', 'dairy', 'produce', 'meat', 'drinks', 'household', 'baby', 'pets'];
const COLUMNS = [
  ...FIXED_FEATURE_NAMES,
  ...CATEGORIES.map((c) => `cat_share_${c}`),
  'avg_basket_value',
  'purchase_days_total',
  'first_purchase_age_days',
];
const LAKE = 'lake';

const rand = Random.uniformSource('bench-scoring', 1);

/** One customer's feature cells, and the planted response rate they drive. */
function customer(): { cells: (string | number)[]; base: number; recency: number } {
  const recency = Math.floor(rand() * 400);
  const frequency = Math.floor(rand() * 30);
  const values: Record<string, number> = {
    recency_days: recency,
    frequency_365: frequency,
    frequency_180: Math.floor(frequency / 2),
    frequency_90: Math.floor(frequency / 4),
    frequency_30: Math.floor(frequency / 12),
    monetary_365: Math.round(frequency * 25 * rand()),
    avg_basket_value: Math.round(10 + 40 * rand()),
    purchase_days_total: frequency + 1,
    first_purchase_age_days: recency + Math.floor(rand() * 500),
  };
  const cells = COLUMNS.map(
    (c) => values[c] ?? (c.startsWith('consent_') ? (rand() < 0.7 ? 1 : 0) : Math.round(rand() * 100) / 100),
  );
  return { cells, base: 0.02 + 0.1 * Math.exp(-recency / 90), recency };
}

async function writeCsv(
  path: string,
  header: readonly string[],
  rows: (w: (cells: readonly (string | number)[]) => Promise<void>) => Promise<void>,
): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${header.join(',')}\n`);
  await rows(async (cells) => {
    if (!out.write(`${cells.join(',')}\n`)) await once(out, 'drain');
  });
  out.end();
  await once(out, 'finish');
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-scoring-'));
  const store = new FsObjectStore(root);
  const dir = join(root, LAKE, 'features');
  await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
  const started = Date.now();
  await writeCsv(join(dir, 'scoring.csv'), ['customer_id', ...COLUMNS], async (write) => {
    for (let i = 0; i < CUSTOMERS; i++) await write([`C${i}`, ...customer().cells]);
  });
  await writeCsv(join(dir, 'training.csv'), [...TRAINING_SET_COLUMNS, ...COLUMNS], async (write) => {
    for (let i = 0; i < CONTACTS; i++) {
      const c = customer();
      const arm = Math.floor(rand() * (OFFERS.length * CHANNELS.length + 1)) - 1;
      const treated = arm >= 0;
      const offer = treated ? (OFFERS[arm % OFFERS.length] as string) : '';
      const lift = treated
        ? 0.04 * (c.recency < 120 ? 1 : -0.3) * ((arm % OFFERS.length) / OFFERS.length)
        : 0;
      await write([
        `K${i}`,
        `C${i}`,
        `camp${i % 12}`,
        treated ? 'treatment' : 'control',
        offer,
        treated ? (CHANNELS[Math.floor(arm / OFFERS.length)] as string) : '',
        treated ? 10 : '',
        rand() < c.base + lift ? 1 : 0,
        '2026-06-01',
        ...c.cells,
      ]);
    }
  });
  // Two cut-offs per customer, as the features stage writes them.
  await writeCsv(
    join(dir, 'snapshots.csv'),
    ['spine_id', 'customer_id', 'as_of', ...COLUMNS, 'churned_90d', 'value_180d'],
    async (write) => {
      for (const asOf of ['2026-08-03', '2026-05-05']) {
        for (let i = 0; i < CUSTOMERS; i++) {
          const c = customer();
          const churned = rand() < 0.2 + c.recency / 600 ? 1 : 0;
          await write([
            `C${i}@${asOf}`,
            `C${i}`,
            asOf,
            ...c.cells,
            churned,
            asOf === '2026-05-05' ? Math.round((1 - churned) * 200 * rand()) : '',
          ]);
        }
      }
    },
  );
  const catalog: CampaignCatalog = {
    asOf: '2026-11-01',
    categories: CATEGORIES,
    offers: OFFERS.map((offerId) => ({
      offerId,
      name: offerId,
      kind: 'percent_off',
      targetCategory: null,
      targetProductId: null,
      discountPct: 10,
      discountLevels: [10],
      eligibility: null,
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
      maxVolume: null,
      valuePerResponse: 30,
      marginRate: 0.3,
      historicalConversions: 100,
    })),
    channels: CHANNELS.map((channelId) => ({
      channelId,
      costPerContact: 0.05,
      capacityPerDay: 1e9,
      sendHours: [],
    })),
  } as CampaignCatalog;
  await store.write(
    { bucket: LAKE, key: 'features/catalog.json' },
    JSON.stringify(catalog),
    'application/json',
  );
  const generatedS = (Date.now() - started) / 1000;

  const ref = (key: string) => ({ bucket: LAKE, key });
  const state: RunState = {
    runId: 'bench-scoring',
    trigger: { source: 's3' },
    batch: {
      bucket: 'landing',
      manifestKey: 'incoming/bench/b1/manifest.json',
      manifestVersion: 'v',
      partner: 'bench',
      batchId: 'b1',
    },
    campaign: { budget: 10_000, holdoutFraction: 0.05, sendDate: '2026-11-08', seed: 7, currency: 'EUR' },
    startedAt: new Date().toISOString(),
    stages: {
      features: {
        scoringFeatures: ref('features/scoring.csv'),
        trainingSet: ref('features/training.csv'),
        snapshots: ref('features/snapshots.csv'),
        catalog: ref('features/catalog.json'),
        customers: CUSTOMERS,
        trainingRows: CONTACTS,
        queries: [],
      },
    },
  } as RunState;

  const stageStart = Date.now();
  const { output, counts } = await scoreRunCustomers(state, { store, lakeBucket: LAKE });
  const stageS = (Date.now() - stageStart) / 1000;
  const card = JSON.parse(await store.readText(ref(`${output.modelPrefix.key}model-card.json`))) as {
    metrics: { trainingMs: number };
    finalFit?: { trainingMs: number };
  };
  // The model measured on the holdout, then, when it trained again on every row, that final fit.
  const finalFitS = (card.finalFit?.trainingMs ?? 0) / 1000;
  const responseTrainS = card.metrics.trainingMs / 1000 + finalFitS;
  const valueTrainS = (output.customerValue?.trainingMs ?? 0) / 1000;
  const scoringS = stageS - responseTrainS - valueTrainS;
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(
    `score stage: ${CUSTOMERS.toLocaleString('en-GB')} customers x ${output.arms.length} arms (${output.actions.length} actions), ${CONTACTS.toLocaleString('en-GB')} training contacts, ${output.backend} backend`,
  );
  console.log(`  synthetic files written      ${generatedS.toFixed(1)} s`);
  console.log(
    `  response model training      ${responseTrainS.toFixed(1)} s (${counts?.trainingContacts ?? 0} contacts${finalFitS > 0 ? `; ${finalFitS.toFixed(1)} s of it the final fit on every row` : ''})`,
  );
  console.log(
    `  churn, value, BG/NBD fitting ${valueTrainS.toFixed(1)} s (${output.customerValue?.churn?.trainRows ?? 0} + ${output.customerValue?.value?.trainRows ?? 0} snapshots, ${output.customerValue?.lifetime?.customers ?? 0} histories)`,
  );
  console.log(
    `  scoring (both files)         ${scoringS.toFixed(1)} s, ${Math.round(CUSTOMERS / scoringS).toLocaleString('en-GB')} customers/s`,
  );
  console.log(`  stage total                  ${stageS.toFixed(1)} s; peak RSS ${rss.toFixed(0)} MiB`);
  rmSync(root, { recursive: true, force: true });
}

await main();
