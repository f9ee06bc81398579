/**
 * Which feature columns the response model sees, and how each becomes a number. Heavy-tailed
 * counts and money are log-scaled; a missing recency (never purchased) or contact gap (never
 * contacted) gets a value beyond any observed one. Gender and region are never model inputs.
 */

type Transform = 'none' | 'log1p' | 'signed_log1p' | 'boolean' | 'at_least' | 'log_ratio';

interface FeatureSpec {
  readonly name: string;
  readonly transform: Transform;
  /** Value used when the cell is empty (SQL NULL). */
  readonly missing: number;
  /** The result column a derived feature is computed from; its own name when absent. */
  readonly source?: string;
  /** For `at_least`: 1 when the value is at least this, else 0. */
  readonly threshold?: number;
  /** For `log_ratio`: log1p(value) − log1p(this column's value, or its `missing` when empty). */
  readonly over?: { readonly name: string; readonly missing: number };
}

const FIXED_FEATURES: readonly FeatureSpec[] = [
  { name: 'recency_days', transform: 'log1p', missing: 1000 },
  // Counts over nested windows together show where in the lifecycle a customer is (bought this
  // month, lapsing for a season, gone for a year), which one recency number blurs.
  { name: 'frequency_365', transform: 'log1p', missing: 0 },
  { name: 'frequency_180', transform: 'log1p', missing: 0 },
  { name: 'frequency_90', transform: 'log1p', missing: 0 },
  { name: 'frequency_30', transform: 'log1p', missing: 0 },
  { name: 'monetary_365', transform: 'signed_log1p', missing: 0 },
  { name: 'monetary_180', transform: 'signed_log1p', missing: 0 },
  { name: 'monetary_90', transform: 'signed_log1p', missing: 0 },
  { name: 'inter_purchase_mean_days', transform: 'log1p', missing: 1000 },
  { name: 'trend_90', transform: 'signed_log1p', missing: 0 },
  { name: 'tenure_days', transform: 'log1p', missing: 0 },
  { name: 'avg_basket_value', transform: 'log1p', missing: 0 },
  { name: 'return_rate', transform: 'none', missing: 0 },
  { name: 'discount_share', transform: 'none', missing: 0 },
  { name: 'online_share', transform: 'none', missing: 0 },
  { name: 'app_share', transform: 'none', missing: 0 },
  { name: 'otc_share', transform: 'none', missing: 0 },
  // Noon when the customer never bought: the middle of any channel's send window.
  { name: 'mean_hour_365', transform: 'none', missing: 12 },
  { name: 'contacts_30', transform: 'log1p', missing: 0 },
  { name: 'contacts_90', transform: 'log1p', missing: 0 },
  { name: 'days_since_last_contact', transform: 'log1p', missing: 1000 },
  { name: 'consent_email', transform: 'boolean', missing: 0 },
  { name: 'consent_sms', transform: 'boolean', missing: 0 },
  { name: 'consent_push', transform: 'boolean', missing: 0 },
  { name: 'consent_direct_mail', transform: 'boolean', missing: 0 },
];

/**
 * The customer's stage in the purchase lifecycle as steps of recency (bought within a month, one to
 * two, two to three, three to six months ago, six months to a year, longer; never counts as longest).
 * The log of recency spreads recent days apart and squeezes months together, so a small network
 * with the weak signal of a few hundred contacts per arm blurs an effect that starts only after some
 * weeks without a purchase into the customers who bought last week; a step is there at its edge.
 * Used by the response model only (`featureVectorFor(header, { lifecycle: true })`).
 */
const RECENCY_STEPS: readonly FeatureSpec[] = [30, 60, 90, 180, 365].map(
  (days): FeatureSpec => ({
    name: `recency_at_least_${days}`,
    source: 'recency_days',
    transform: 'at_least',
    threshold: days,
    missing: 1000,
  }),
);

/**
 * How overdue the customer is against their own rhythm: log of recency over the mean gap between
 * their purchases (0 when the usual gap has passed, positive beyond it). A weekly shopper silent for
 * six weeks is lapsing; a quarterly one is not.
 */
const OVERDUE_FEATURE: FeatureSpec = {
  name: 'recency_over_inter_purchase',
  source: 'recency_days',
  transform: 'log_ratio',
  missing: 1000,
  over: { name: 'inter_purchase_mean_days', missing: 1000 },
};

const LIFECYCLE_FEATURES: readonly FeatureSpec[] = [...RECENCY_STEPS, OVERDUE_FEATURE];

/** The derived lifecycle inputs the response model reads after the result's columns. */
export const LIFECYCLE_FEATURE_NAMES: readonly string[] = LIFECYCLE_FEATURES.map((f) => f.name);

/** The feature columns every model input vector starts with, before the category shares. */
export const FIXED_FEATURE_NAMES: readonly string[] = FIXED_FEATURES.map((f) => f.name);

const CATEGORY_SHARE = /^cat_share_[a-z0-9_]+$/;

export interface FeatureVector {
  readonly names: readonly string[];
  /** The result column each input is read from: its own name, or a derived input's source. */
  readonly sources: readonly string[];
  readonly specs: readonly FeatureSpec[];
}

export interface VectorOptions {
  /** Append the recency steps and the overdue ratio after the category shares. */
  readonly lifecycle?: boolean;
  /** Fixed features to leave out. */
  readonly without?: readonly string[];
}

/**
 * The response model's inputs: the lifecycle steps, and not the days since the last contact. A
 * history of a few campaigns sent on a cadence shows that gap at a handful of values only (here the
 * gap between two campaigns, or none), and the campaign being planned sits at a gap the history
 * never showed, so the network would read it outside anything it trained on, differently per arm.
 * The contact counts over 30 and 90 days carry the fatigue that matters. Measured on ten demo
 * worlds, leaving the gap out raised the plan's share of the oracle on every one (see the README).
 */
export const RESPONSE_VECTOR: VectorOptions = { lifecycle: true, without: ['days_since_last_contact'] };

/** The fixed features the response model reads, in order. */
export const RESPONSE_FIXED_FEATURE_NAMES: readonly string[] = FIXED_FEATURE_NAMES.filter(
  (name) => !RESPONSE_VECTOR.without?.includes(name),
);

/**
 * The model's inputs for a result header: the fixed features (less `without`) plus every category
 * share, sorted, and with `lifecycle` the recency steps after them.
 */
export function featureVectorFor(header: readonly string[], options: VectorOptions = {}): FeatureVector {
  const fixed = FIXED_FEATURES.filter((f) => !options.without?.includes(f.name));
  const missing = fixed.filter((f) => !header.includes(f.name)).map((f) => f.name);
  if (missing.length > 0) throw new Error(`feature columns missing from the result: ${missing.join(', ')}`);
  const shares = header
    .filter((h) => CATEGORY_SHARE.test(h))
    .sort()
    .map((name): FeatureSpec => ({ name, transform: 'none', missing: 0 }));
  const specs = [...fixed, ...shares, ...(options.lifecycle === true ? LIFECYCLE_FEATURES : [])];
  return { names: specs.map((s) => s.name), sources: specs.map((s) => s.source ?? s.name), specs };
}

function numberOr(cell: string | undefined, missing: number): number {
  if (cell === undefined || cell === '') return missing;
  const value = Number(cell);
  return Number.isFinite(value) ? value : missing;
}

/** @param overCell for `log_ratio`: the cell of the column the value is over */
function transform(spec: FeatureSpec, cell: string | undefined, overCell: string | undefined): number {
  if (spec.transform === 'log_ratio') {
    const over = spec.over ? numberOr(overCell, spec.over.missing) : 0;
    return Math.log1p(Math.max(numberOr(cell, spec.missing), 0)) - Math.log1p(Math.max(over, 0));
  }
  if (cell === undefined || cell === '') return applyTransform(spec, spec.missing);
  if (spec.transform === 'boolean') return cell === 'true' || cell === '1' ? 1 : 0;
  const value = Number(cell);
  return applyTransform(spec, Number.isFinite(value) ? value : spec.missing);
}

function applyTransform(spec: FeatureSpec, value: number): number {
  switch (spec.transform) {
    case 'at_least':
      return value >= (spec.threshold ?? 0) ? 1 : 0;
    case 'log1p':
      return Math.log1p(Math.max(value, 0));
    case 'signed_log1p':
      return Math.sign(value) * Math.log1p(Math.abs(value));
    default:
      return value;
  }
}

/** Writes one record's features into `out` at `offset`, in the vector's order. */
export function writeFeatures(
  vector: FeatureVector,
  record: Readonly<Record<string, string>>,
  out: Float32Array,
  offset: number,
): void {
  for (const [i, spec] of vector.specs.entries()) {
    out[offset + i] = transform(
      spec,
      record[spec.source ?? spec.name],
      spec.over === undefined ? undefined : record[spec.over.name],
    );
  }
}

/**
 * Where each of the vector's inputs is read from in a header row: first the column of each input
 * (a derived input's source), then the column a ratio input is over; -1 where there is none.
 */
export function featureColumns(vector: FeatureVector, header: readonly string[]): Int32Array {
  const n = vector.specs.length;
  const columns = new Int32Array(2 * n).fill(-1);
  vector.specs.forEach((spec, i) => {
    columns[i] = header.indexOf(spec.source ?? spec.name);
    if (spec.over !== undefined) columns[n + i] = header.indexOf(spec.over.name);
  });
  return columns;
}

/**
 * `writeFeatures` for a record read as an array of cells: `columns` (from `featureColumns`) says
 * which cell holds each input. An input without a column is missing, as an absent key is there.
 */
export function writeFeatureCells(
  vector: FeatureVector,
  columns: ArrayLike<number>,
  cells: readonly string[],
  out: Float32Array,
  offset: number,
): void {
  const specs = vector.specs;
  const n = specs.length;
  for (let i = 0; i < n; i++) {
    const at = columns[i] ?? -1;
    const over = columns[n + i] ?? -1;
    out[offset + i] = transform(
      specs[i] as FeatureSpec,
      at < 0 ? undefined : cells[at],
      over < 0 ? undefined : cells[over],
    );
  }
}
