import { describe, expect, it } from 'vitest';
import {
  FIXED_FEATURE_NAMES,
  featureColumns,
  featureVectorFor,
  writeFeatureCells,
  writeFeatures,
} from '#shared/domain/features/feature-vector';

describe('writeFeatureCells', () => {
  it('writes what writeFeatures writes for the same row read as a record', () => {
    // Shuffled columns, a column no input uses, empty and unparseable cells.
    const header = ['cat_share_b', 'customer_id', ...[...FIXED_FEATURE_NAMES].reverse(), 'cat_share_a'];
    const vector = featureVectorFor(header);
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
