import type { CampaignCatalog } from '../../domain/catalog/campaign-catalog';
import { DomainError } from '../../domain/errors';
import { type FeatureVector, featureVectorFor, writeFeatures } from '../../domain/features/feature-vector';
import { levelInput } from '../../domain/planning/scored-actions';
import type { Arm, RunState } from '../../domain/runs/run-state';
import type { ObjectStore } from '../../ports/object-store';
import { readCsvObjects } from '../csv-objects';

/** The score stage's view of the randomized campaign history: model inputs, arms and labels. */

export class NoRandomizedHistoryError extends DomainError {
  public constructor(message: string) {
    super(message);
    this.name = 'NoRandomizedHistoryError';
  }
}

const armKey = (offerId: string, channelId: string): string => `${offerId}|${channelId}`;

export interface TrainingRows {
  vector: FeatureVector;
  arms: Arm[];
  /** Discount levels each offer was sent at, by offer id. */
  observedLevels: Map<string, Set<number>>;
  /** rows × (features + 1): the customer's features, then the discount level sent (0 for control). */
  features: Float32Array;
  arm: Int32Array;
  label: Uint8Array;
  /** A stable key per contact, which decides whether it is held out. */
  keys: string[];
  rows: number;
  skipped: number;
  /** Send dates of the earliest and latest contact, when the training set carries them. */
  firstContact: string | null;
  lastContact: string | null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** The contact id, or what identifies a contact in a training set without one. */
const contactKey = (r: Record<string, string>): string =>
  r.contact_id ||
  [r.customer_id, r.campaign_id, r.assignment, r.offer_id, r.channel_id, r.discount_pct].join('|');

/**
 * Reads the training set and keeps the contacts the model can learn from: the control group and
 * the treated contacts whose offer and channel can still be used.
 */
export async function readTrainingRows(
  store: ObjectStore,
  state: RunState,
  catalog: CampaignCatalog,
): Promise<TrainingRows> {
  const features = state.stages.features;
  if (!features) throw new Error('score needs the features stage output');
  const offers = new Set(catalog.offers.map((o) => o.offerId));
  const channels = new Set<string>(catalog.channels.map((c) => c.channelId));
  const records: Record<string, string>[] = [];
  const armKeys = new Set<string>();
  const observedLevels = new Map<string, Set<number>>();
  let skipped = 0;
  let firstContact: string | null = null;
  let lastContact: string | null = null;
  for await (const r of readCsvObjects(store, features.trainingSet)) {
    if (r.assignment === 'treatment') {
      if (!r.offer_id || !r.channel_id || !offers.has(r.offer_id) || !channels.has(r.channel_id)) {
        skipped += 1;
        continue;
      }
      armKeys.add(armKey(r.offer_id, r.channel_id));
      const level = Number(r.discount_pct);
      if (r.discount_pct && Number.isFinite(level)) {
        const levels = observedLevels.get(r.offer_id) ?? new Set<number>();
        levels.add(level);
        observedLevels.set(r.offer_id, levels);
      }
    }
    // A training row's as_of is the day its contact was sent (its features stop the day before).
    const sent = ISO_DATE.exec(r.as_of ?? '')?.[0];
    if (sent !== undefined) {
      if (firstContact === null || sent < firstContact) firstContact = sent;
      if (lastContact === null || sent > lastContact) lastContact = sent;
    }
    records.push(r);
  }
  const arms = [...armKeys].sort().map((key): Arm => {
    const [offerId = '', channelId = ''] = key.split('|');
    return { armId: key, offerId, channelId };
  });
  const controls = records.filter((r) => r.assignment === 'control').length;
  if (arms.length === 0 || controls === 0) {
    throw new NoRandomizedHistoryError(
      `the campaign history has ${controls} control and ${records.length - controls} usable treated contacts; the response model needs both a randomized control group and treated contacts`,
    );
  }
  const armIndex = new Map(arms.map((a, i) => [a.armId, i + 1]));
  const vector = featureVectorFor(Object.keys(records[0] ?? {}), { lifecycle: true });
  const width = vector.names.length + 1;
  const out: TrainingRows = {
    vector,
    arms,
    observedLevels,
    features: new Float32Array(records.length * width),
    arm: new Int32Array(records.length),
    label: new Uint8Array(records.length),
    keys: records.map(contactKey),
    rows: records.length,
    skipped,
    firstContact,
    lastContact,
  };
  for (const [i, r] of records.entries()) {
    writeFeatures(vector, r, out.features, i * width);
    const level = r.assignment === 'control' ? 0 : Number(r.discount_pct);
    out.features[(i + 1) * width - 1] = levelInput(Number.isFinite(level) ? level : 0);
    out.arm[i] =
      r.assignment === 'control' ? 0 : (armIndex.get(armKey(r.offer_id ?? '', r.channel_id ?? '')) ?? 0);
    out.label[i] = r.converted === '1' ? 1 : 0;
  }
  return out;
}
