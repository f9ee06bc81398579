import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { z } from 'zod';
import type { campaignCatalog } from '#shared/domain/catalog/campaign-catalog';
import { FIXED_FEATURE_NAMES } from '#shared/domain/features/feature-vector';
import { championPointerKey } from '#shared/domain/registry/model-card';
import { type Campaign, type ScoreOutput, scoreOutput } from '#shared/domain/runs/run-state';
import { type ScoreDeps, scoreRunCustomers } from '#shared/use-cases/score-customers';
import { TRAINING_SET_COLUMNS } from '#shared/use-cases/scoring/training-rows';
import { sampleRunState } from './fakes';
import type { InMemoryObjectStore } from './in-memory-object-store';

/** A score stage over an in-memory lake: a catalog, a campaign history with planted uplift, customers to score. */

export const LAKE = 'lake';
export const ref = (key: string) => ({ bucket: LAKE, key });
export const POINTER = championPointerKey('response', 'acme');
export const NOW = new Date('2026-11-01T06:00:00.000Z');
// A few seconds of wasm per training; each test trains two or three models.
export const TIMEOUT = 60_000;

/** As a features stage writes it: fields with defaults may be left out. */
type CatalogFile = z.input<typeof campaignCatalog>;

const offer = (offerId: string): CatalogFile['offers'][number] => ({
  offerId,
  name: offerId,
  kind: 'informational',
  targetCategory: null,
  targetProductId: null,
  discountPct: 0,
  discountLevels: [0],
  eligibility: null,
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
  maxVolume: null,
  valuePerResponse: 50,
  marginRate: 0.5,
  historicalConversions: 10,
});

const CATALOG: CatalogFile = {
  asOf: '2026-11-01',
  offers: [offer('O1'), offer('O2'), offer('O3')],
  channels: [
    { channelId: 'email', costPerContact: 0.01, capacityPerDay: 100_000 },
    { channelId: 'sms', costPerContact: 0.05, capacityPerDay: 100_000 },
    { channelId: 'push', costPerContact: 0.01, capacityPerDay: 100_000 },
  ],
  categories: [],
};

export interface History {
  /** Extra feature columns, e.g. a category share the previous batch did not have. */
  extraColumns?: string[];
  /** Treatment arms as offer|channel. */
  arms?: string[];
  /** Whether a randomized control group is in the history (default true); without one, every contact is treated. */
  control?: boolean;
}

/**
 * A randomised history with a strong planted uplift (O1 on e-mail helps online shoppers and puts off
 * the others, O2 on SMS helps recent buyers), and 300 customers to score. Deterministic.
 */
function batch({ extraColumns = [], arms = ['O1|email', 'O2|sms'], control = true }: History = {}) {
  const rng = xoroshiro128plus(42);
  const u = () => uniformFloat64(rng);
  const columns = [...FIXED_FEATURE_NAMES, ...extraColumns];
  const customer = () => {
    const values = new Map<string, number>(columns.map((c) => [c, Math.round(u() * 100) / 100]));
    values.set('recency_days', Math.round(u() * 365));
    values.set('frequency_365', Math.round(u() * 20));
    return values;
  };
  const training = [[...TRAINING_SET_COLUMNS, ...columns].join(',')];
  for (let i = 0; i < 3000; i++) {
    const x = customer();
    const slot = control ? i % (arms.length + 1) : 1 + (i % arms.length);
    const armId = slot === 0 ? undefined : arms[slot - 1];
    const [offerId = '', channelId = ''] = armId?.split('|') ?? [];
    const online = x.get('online_share') ?? 0;
    const recent = (x.get('recency_days') ?? 0) < 120;
    const effect =
      offerId === 'O1' ? (online > 0.5 ? 0.35 : -0.05) : offerId === 'O2' ? (recent ? 0.25 : 0) : 0;
    const converted = u() < 0.1 + effect ? 1 : 0;
    const sent = `2026-${String(1 + (i % 10)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    training.push(
      [
        `K${i}`,
        `C${i}`,
        `camp${i % 10}`,
        armId ? 'treatment' : 'control',
        offerId,
        channelId,
        armId ? 0 : '',
        converted,
        sent,
        ...columns.map((c) => x.get(c)),
      ].join(','),
    );
  }
  const scoring = [['customer_id', ...columns].join(',')];
  for (let i = 0; i < 300; i++) {
    const x = customer();
    scoring.push([`S${i}`, ...columns.map((c) => x.get(c))].join(','));
  }
  return { training: training.join('\n'), scoring: scoring.join('\n') };
}

export async function seed(store: InMemoryObjectStore, history: History = {}): Promise<void> {
  const { training, scoring } = batch(history);
  await store.write(ref('in/catalog.json'), JSON.stringify(CATALOG), 'application/json');
  await store.write(ref('in/training.csv'), training, 'text/csv');
  await store.write(ref('in/features.csv'), scoring, 'text/csv');
}

export async function score(
  store: InMemoryObjectStore,
  runId: string,
  training?: ScoreDeps['training'],
  campaign: Partial<Campaign> = {},
): Promise<ScoreOutput> {
  const base = sampleRunState();
  const state = sampleRunState({
    runId,
    campaign: { ...base.campaign, ...campaign },
    stages: {
      features: {
        scoringFeatures: ref('in/features.csv'),
        trainingSet: ref('in/training.csv'),
        catalog: ref('in/catalog.json'),
        customers: 300,
        trainingRows: 3000,
        queries: [],
      },
    },
  });
  const deps: ScoreDeps = { store, lakeBucket: LAKE, now: () => NOW, ...(training ? { training } : {}) };
  const { output } = await scoreRunCustomers(state, deps);
  // What the stage hands to Step Functions must pass the payload's own schema.
  return scoreOutput.parse(output);
}
