/**
 * Which feature columns the response model sees, and how each becomes a number. Heavy-tailed
 * counts and money are log-scaled; a missing recency (never purchased) or contact gap (never
 * contacted) gets a value beyond any observed one. Gender and region are never model inputs.
 */

type Transform = 'none' | 'log1p' | 'signed_log1p' | 'boolean';

interface FeatureSpec {
  readonly name: string;
  readonly transform: Transform;
  /** Value used when the cell is empty (SQL NULL). */
  readonly missing: number;
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

/** The feature columns every model input vector starts with, before the category shares. */
export const FIXED_FEATURE_NAMES: readonly string[] = FIXED_FEATURES.map((f) => f.name);

const CATEGORY_SHARE = /^cat_share_[a-z0-9_]+$/;

export interface FeatureVector {
  readonly names: readonly string[];
  readonly specs: readonly FeatureSpec[];
}

/** The model's inputs for a result header: the fixed features plus every category share, sorted. */
export function featureVectorFor(header: readonly string[]): FeatureVector {
  const missing = FIXED_FEATURES.filter((f) => !header.includes(f.name)).map((f) => f.name);
  if (missing.length > 0) throw new Error(`feature columns missing from the result: ${missing.join(', ')}`);
  const shares = header
    .filter((h) => CATEGORY_SHARE.test(h))
    .sort()
    .map((name): FeatureSpec => ({ name, transform: 'none', missing: 0 }));
  const specs = [...FIXED_FEATURES, ...shares];
  return { names: specs.map((s) => s.name), specs };
}

function transform(spec: FeatureSpec, cell: string | undefined): number {
  if (cell === undefined || cell === '') return applyTransform(spec.transform, spec.missing);
  if (spec.transform === 'boolean') return cell === 'true' || cell === '1' ? 1 : 0;
  const value = Number(cell);
  return applyTransform(spec.transform, Number.isFinite(value) ? value : spec.missing);
}

function applyTransform(kind: Transform, value: number): number {
  switch (kind) {
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
  for (const [i, spec] of vector.specs.entries()) out[offset + i] = transform(spec, record[spec.name]);
}

/** Where each of the vector's inputs sits in a header row; -1 where the header lacks it. */
export function featureColumns(vector: FeatureVector, header: readonly string[]): Int32Array {
  return Int32Array.from(vector.names, (name) => header.indexOf(name));
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
  for (let i = 0; i < specs.length; i++) {
    const at = columns[i] as number;
    out[offset + i] = transform(specs[i] as FeatureSpec, at < 0 ? undefined : cells[at]);
  }
}
