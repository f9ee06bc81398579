import { describe, expect, it } from 'vitest';
import {
  FIXED_FEATURE_NAMES,
  featureColumns,
  featureVectorFor,
  LIFECYCLE_FEATURE_NAMES,
  RESPONSE_FIXED_FEATURE_NAMES,
  RESPONSE_VECTOR,
  writeFeatureCells,
  writeFeatures,
} from '#shared/domain/features/feature-vector';

const header = [...FIXED_FEATURE_NAMES, 'cat_share_wine', 'cat_share_dairy', 'customer_id'];

function features(record: Record<string, string>): Record<string, number> {
  const vector = featureVectorFor(header, { lifecycle: true });
  const out = new Float32Array(vector.names.length);
  writeFeatures(vector, record, out, 0);
  return Object.fromEntries(vector.names.map((name, i) => [name, out[i] as number]));
}

describe('featureVectorFor', () => {
  it('reads the fixed features, then the category shares sorted, and nothing derived by default', () => {
    expect(featureVectorFor(header).names).toEqual([
      ...FIXED_FEATURE_NAMES,
      'cat_share_dairy',
      'cat_share_wine',
    ]);
  });

  it('appends the lifecycle inputs after them when asked', () => {
    expect(featureVectorFor(header, { lifecycle: true }).names).toEqual([
      ...FIXED_FEATURE_NAMES,
      'cat_share_dairy',
      'cat_share_wine',
      ...LIFECYCLE_FEATURE_NAMES,
    ]);
    expect(LIFECYCLE_FEATURE_NAMES).toEqual([
      'recency_at_least_30',
      'recency_at_least_60',
      'recency_at_least_90',
      'recency_at_least_180',
      'recency_at_least_365',
      'recency_over_inter_purchase',
    ]);
  });

  it('says which result column each input is read from', () => {
    const vector = featureVectorFor(header, { lifecycle: true });
    expect(vector.sources.slice(0, FIXED_FEATURE_NAMES.length)).toEqual(FIXED_FEATURE_NAMES);
    expect(vector.sources.slice(-LIFECYCLE_FEATURE_NAMES.length)).toEqual(
      LIFECYCLE_FEATURE_NAMES.map(() => 'recency_days'),
    );
  });

  it('leaves out the fixed features it is told to, and the response model the contact gap only', () => {
    const names = featureVectorFor(header, { without: ['contacts_30', 'mean_hour_365'] }).names;
    expect(names).toEqual([
      ...FIXED_FEATURE_NAMES.filter((n) => n !== 'contacts_30' && n !== 'mean_hour_365'),
      'cat_share_dairy',
      'cat_share_wine',
    ]);
    expect(featureVectorFor(header, RESPONSE_VECTOR).names).toEqual([
      ...RESPONSE_FIXED_FEATURE_NAMES,
      'cat_share_dairy',
      'cat_share_wine',
      ...LIFECYCLE_FEATURE_NAMES,
    ]);
    expect(FIXED_FEATURE_NAMES.filter((n) => !RESPONSE_FIXED_FEATURE_NAMES.includes(n))).toEqual([
      'days_since_last_contact',
    ]);
  });

  it('does not ask a result for a column it leaves out', () => {
    const without = header.filter((h) => h !== 'days_since_last_contact');
    expect(() => featureVectorFor(without)).toThrow(/days_since_last_contact/);
    expect(featureVectorFor(without, RESPONSE_VECTOR).names).not.toContain('days_since_last_contact');
  });

  it('names the fixed columns a result lacks', () => {
    expect(() => featureVectorFor(['recency_days'])).toThrow(/feature columns missing.*frequency_365/);
  });
});

describe('the lifecycle inputs', () => {
  const steps = (f: Record<string, number>) => [30, 60, 90, 180, 365].map((d) => f[`recency_at_least_${d}`]);

  it('step up with recency, each at its own edge', () => {
    expect(steps(features({ recency_days: '3' }))).toEqual([0, 0, 0, 0, 0]);
    expect(steps(features({ recency_days: '30' }))).toEqual([1, 0, 0, 0, 0]);
    expect(steps(features({ recency_days: '59' }))).toEqual([1, 0, 0, 0, 0]);
    expect(steps(features({ recency_days: '120' }))).toEqual([1, 1, 1, 0, 0]);
    expect(steps(features({ recency_days: '400' }))).toEqual([1, 1, 1, 1, 1]);
  });

  it('count a customer who never bought as the longest gone', () => {
    expect(steps(features({ recency_days: '' }))).toEqual([1, 1, 1, 1, 1]);
    expect(steps(features({}))).toEqual([1, 1, 1, 1, 1]);
  });

  it('leave the recency column itself log-scaled as before', () => {
    expect(features({ recency_days: '120' }).recency_days).toBeCloseTo(Math.log1p(120), 5);
  });

  it('measure recency against the customer’s own gap between purchases', () => {
    const overdue = (recency: string, gap: string) =>
      features({ recency_days: recency, inter_purchase_mean_days: gap }).recency_over_inter_purchase;
    // A weekly shopper six weeks out is far past their rhythm; a quarterly one six weeks out is not.
    expect(overdue('42', '7')).toBeCloseTo(Math.log1p(42) - Math.log1p(7), 5);
    expect(overdue('42', '7')).toBeGreaterThan(1);
    expect(overdue('42', '90')).toBeLessThan(0);
    expect(overdue('7', '7')).toBe(0);
  });

  it('fall back to the missing values when recency or the gap is empty', () => {
    const overdue = (record: Record<string, string>) => features(record).recency_over_inter_purchase;
    // One purchase: no gap yet, so the gap counts as 1000 days and the customer is not overdue.
    expect(overdue({ recency_days: '20', inter_purchase_mean_days: '' })).toBeCloseTo(
      Math.log1p(20) - Math.log1p(1000),
      5,
    );
    expect(overdue({ recency_days: '', inter_purchase_mean_days: '' })).toBe(0);
  });
});

describe('writeFeatureCells', () => {
  it('writes what writeFeatures writes for the same row read as a record', () => {
    // Shuffled columns, a column no input uses, empty and unparseable cells.
    const header = ['cat_share_b', 'customer_id', ...[...FIXED_FEATURE_NAMES].reverse(), 'cat_share_a'];
    // With the lifecycle inputs: derived from recency_days, one of them a ratio over another column.
    const vector = featureVectorFor(header, { lifecycle: true });
    const rows = [
      header.map((_, i) => String(i * 1.5)),
      header.map((_, i) => (i % 3 === 0 ? '' : i % 3 === 1 ? 'x' : '-4')),
      header.map((name) => (name.startsWith('consent_') ? 'true' : '7')),
    ];
    for (const cells of rows) {
      const record = Object.fromEntries(header.map((name, i) => [name, cells[i] as string]));
      const expected = new Float32Array(vector.names.length + 2);
      const actual = new Float32Array(vector.names.length + 2);
      writeFeatures(vector, record, expected, 1);
      writeFeatureCells(vector, featureColumns(vector, header), cells, actual, 1);
      expect(actual).toEqual(expected);
    }
  });

  it('treats an input the header lacks as missing', () => {
    const header = [...FIXED_FEATURE_NAMES];
    const vector = featureVectorFor(header);
    const columns = featureColumns(vector, ['recency_days']);
    const out = new Float32Array(vector.names.length);
    writeFeatureCells(vector, columns, ['3'], out, 0);
    const expected = new Float32Array(vector.names.length);
    writeFeatures(vector, { recency_days: '3' }, expected, 0);
    expect(out).toEqual(expected);
  });
});
