import type { CampaignCatalog } from '../../domain/catalog/campaign-catalog';
import { DomainError } from '../../domain/errors';
import {
  type FeatureVector,
  featureColumns,
  featureVectorFor,
  RESPONSE_VECTOR,
  writeFeatureCells,
} from '../../domain/features/feature-vector';
import { levelInput } from '../../domain/planning/scored-actions';
import type { Arm, RunState } from '../../domain/runs/run-state';
import type { ObjectStore } from '../../ports/object-store';
import { detachedString, readCsvRecords } from '../csv-objects';

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
  /** Control contacts among the rows; 0 means no randomized control group, and uplift falls back to a prior. */
  controls: number;
  skipped: number;
  /** Send dates of the earliest and latest contact, when the training set carries them. */
  firstContact: string | null;
  lastContact: string | null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** The training set's columns the stage reads besides the features (training-set.sql writes them first). */
export const TRAINING_SET_COLUMNS = [
  'contact_id',
  'customer_id',
  'campaign_id',
  'assignment',
  'offer_id',
  'channel_id',
  'discount_pct',
  'converted',
  'as_of',
] as const;

type Column = (typeof TRAINING_SET_COLUMNS)[number];

/** A training row's cells by column name; undefined where the set lacks the column. */
type Row = (name: Column) => string | undefined;

/** The contact id, or what identifies a contact in a training set without one. */
const contactKey = (r: Row): string =>
  r('contact_id') ||
  [
    r('customer_id'),
    r('campaign_id'),
    r('assignment'),
    r('offer_id'),
    r('channel_id'),
    r('discount_pct'),
  ].join('|');

/** Rows encoded per block while the training set streams in: the row count is known only at its end. */
const BLOCK_ROWS = 8192;

/**
 * Reads the training set and keeps the contacts the model can learn from: the control group and
 * the treated contacts whose offer and channel can still be used. A history without a control group
 * is accepted (the caller falls back to propensity × a prior uplift); one without usable treated
 * contacts is not, since nothing then says how customers respond to any action. Each contact is
 * encoded as it is read, so the set's text is never held whole.
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
  let header:
    | { at: Map<Column, number>; vector: FeatureVector | Error; columns: Int32Array; width: number }
    | undefined;
  const blocks: Float32Array[] = [];
  /** The arm key of each kept contact ('' for the control group), one string per arm. */
  const contactArms: string[] = [];
  const interned = new Map<string, string>();
  const intern = (key: string): string => {
    const known = interned.get(key);
    if (known !== undefined) return known;
    interned.set(key, key);
    return key;
  };
  const labels: number[] = [];
  const keys: string[] = [];
  let controls = 0;
  const armKeys = new Set<string>();
  const observedLevels = new Map<string, Set<number>>();
  let skipped = 0;
  let firstContact: string | null = null;
  let lastContact: string | null = null;
  for await (const cells of readCsvRecords(store, features.trainingSet)) {
    if (header === undefined) {
      // A header without the features fails the read only once it is known to hold a usable history.
      let vector: FeatureVector | Error;
      try {
        // The response model also reads the lifecycle steps (see feature-vector.ts).
        vector = featureVectorFor(cells, RESPONSE_VECTOR);
      } catch (error) {
        vector = error instanceof Error ? error : new Error(String(error));
      }
      const columns = vector instanceof Error ? new Int32Array(0) : featureColumns(vector, cells);
      const width = vector instanceof Error ? 1 : vector.names.length + 1;
      header = {
        at: new Map(TRAINING_SET_COLUMNS.map((name) => [name, cells.indexOf(name)])),
        vector,
        columns,
        width,
      };
      continue;
    }
    const { at, vector, columns, width } = header;
    const r: Row = (name) => cells[at.get(name) ?? -1];
    const assignment = r('assignment');
    const offerId = r('offer_id');
    const channelId = r('channel_id');
    if (assignment === 'treatment') {
      if (!offerId || !channelId || !offers.has(offerId) || !channels.has(channelId)) {
        skipped += 1;
        continue;
      }
      armKeys.add(armKey(offerId, channelId));
      const discount = r('discount_pct');
      const level = Number(discount);
      if (discount && Number.isFinite(level)) {
        const levels = observedLevels.get(offerId) ?? new Set<number>();
        levels.add(level);
        observedLevels.set(offerId, levels);
      }
    }
    // A training row's as_of is the day its contact was sent (its features stop the day before).
    const sent = ISO_DATE.exec(r('as_of') ?? '')?.[0];
    if (sent !== undefined) {
      if (firstContact === null || sent < firstContact) firstContact = sent;
      if (lastContact === null || sent > lastContact) lastContact = sent;
    }
    const row = keys.length;
    if (row % BLOCK_ROWS === 0) blocks.push(new Float32Array(BLOCK_ROWS * width));
    const block = blocks[blocks.length - 1] as Float32Array;
    const offset = (row % BLOCK_ROWS) * width;
    const control = assignment === 'control';
    if (!(vector instanceof Error)) writeFeatureCells(vector, columns, cells, block, offset);
    const level = control ? 0 : Number(r('discount_pct'));
    block[offset + width - 1] = levelInput(Number.isFinite(level) ? level : 0);
    if (control) controls += 1;
    contactArms.push(control ? '' : intern(armKey(offerId ?? '', channelId ?? '')));
    labels.push(r('converted') === '1' ? 1 : 0);
    keys.push(detachedString(contactKey(r)));
  }
  const arms = [...armKeys].sort().map((key): Arm => {
    const [offerId = '', channelId = ''] = key.split('|');
    return { armId: key, offerId, channelId };
  });
  const rows = keys.length;
  if (arms.length === 0) {
    throw new NoRandomizedHistoryError(
      `the campaign history has ${controls} control and no usable treated contacts (${skipped} name an offer or channel this batch does not have); the response model needs past contacts of at least one offer on one channel`,
    );
  }
  const vector = header?.vector ?? featureVectorFor([], RESPONSE_VECTOR);
  if (vector instanceof Error) throw vector;
  const width = vector.names.length + 1;
  const armIndex = new Map(arms.map((a, i) => [a.armId, i + 1]));
  const out: TrainingRows = {
    vector,
    arms,
    observedLevels,
    features: new Float32Array(rows * width),
    arm: Int32Array.from(contactArms, (key) => (key === '' ? 0 : (armIndex.get(key) ?? 0))),
    label: Uint8Array.from(labels),
    keys,
    rows,
    controls,
    skipped,
    firstContact,
    lastContact,
  };
  blocks.forEach((block, i) => {
    const from = i * BLOCK_ROWS;
    out.features.set(block.subarray(0, (Math.min(rows, from + BLOCK_ROWS) - from) * width), from * width);
  });
  return out;
}
