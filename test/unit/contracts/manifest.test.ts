import { describe, expect, it } from 'vitest';
import { batchPrefix, MANIFEST_KEY, manifest, manifestKey } from '#shared/domain/contracts/manifest';

const SHA = 'a'.repeat(64);

function validManifest(): Record<string, unknown> {
  return {
    manifestVersion: 1,
    partner: 'acme-retail',
    batchId: '2026-03_01',
    createdAt: '2026-03-01T08:00:00+01:00',
    asOf: '2026-03-01',
    campaign: { budget: 5000, holdoutFraction: 0.1, sendDate: '2026-03-05' },
    files: [
      { dataset: 'customers', key: 'customers.csv', format: 'csv', rows: 3, sha256: SHA },
      {
        dataset: 'transactions',
        key: 'transactions.csv.gz',
        format: 'csv',
        compression: 'gzip',
        delimiter: ';',
        rows: 0,
        sha256: '0123456789abcdef'.repeat(4),
      },
    ],
  };
}

/** The path and message of each issue, or [] when the manifest is valid. */
function problems(input: unknown): { path: string; message: string }[] {
  const result = manifest.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** The distinct paths with a problem (an empty id breaks both the length and the pattern). */
const paths = (input: unknown) => [...new Set(problems(input).map((p) => p.path))];

function withFile(index: number, changes: Record<string, unknown>): Record<string, unknown> {
  const m = validManifest();
  const files = m.files as Record<string, unknown>[];
  files[index] = { ...files[index], ...changes };
  return m;
}

describe('manifest schema', () => {
  it('accepts a valid manifest and fills the file defaults', () => {
    const m = manifest.parse(validManifest());
    expect(m.files[0]).toEqual({
      dataset: 'customers',
      key: 'customers.csv',
      format: 'csv',
      compression: 'none',
      encoding: 'utf-8',
      delimiter: ',',
      header: true,
      rows: 3,
      sha256: SHA,
    });
    expect(m.files[1]?.compression).toBe('gzip');
    expect(m.files[1]?.delimiter).toBe(';');
    expect(m.campaign).toEqual({ budget: 5000, holdoutFraction: 0.1, sendDate: '2026-03-05' });
  });

  it('accepts a manifest with only the mandatory fields', () => {
    expect(
      problems({
        manifestVersion: 1,
        partner: 'p',
        batchId: 'b',
        files: [{ dataset: 'customers', key: 'c.csv', format: 'csv', rows: 1, sha256: SHA }],
      }),
    ).toEqual([]);
  });

  it('rejects a dataset listed twice, pointing at the second entry', () => {
    const m = withFile(1, { dataset: 'customers' });
    expect(problems(m)).toEqual([{ path: 'files.1.dataset', message: 'dataset customers is listed twice' }]);
  });

  it('rejects a checksum that is uppercase, short or not hex', () => {
    expect(paths(withFile(0, { sha256: 'A'.repeat(64) }))).toEqual(['files.0.sha256']);
    expect(paths(withFile(0, { sha256: 'a'.repeat(63) }))).toEqual(['files.0.sha256']);
    expect(paths(withFile(0, { sha256: 'g'.repeat(64) }))).toEqual(['files.0.sha256']);
    expect(problems(withFile(0, { sha256: 'A'.repeat(64) }))[0]?.message).toMatch(/lowercase hex SHA-256/);
  });

  it('rejects a file key with a slash or a leading dot', () => {
    expect(paths(withFile(0, { key: 'sub/customers.csv' }))).toEqual(['files.0.key']);
    expect(paths(withFile(0, { key: '../customers.csv' }))).toEqual(['files.0.key']);
    expect(paths(withFile(0, { key: '.hidden.csv' }))).toEqual(['files.0.key']);
  });

  it('rejects unknown fields at the top level, in a file entry and in the campaign (strict)', () => {
    expect(paths({ ...validManifest(), extra: true })).toEqual(['']);
    expect(problems({ ...validManifest(), extra: true })[0]?.message).toMatch(/extra/);
    expect(paths(withFile(0, { charset: 'latin1' }))).toEqual(['files.0']);
    expect(paths({ ...validManifest(), campaign: { budget: 1, currency: 'EUR' } })).toEqual(['campaign']);
  });

  it('rejects a partner or batch id that is not a key segment', () => {
    expect(paths({ ...validManifest(), partner: 'acme retail' })).toEqual(['partner']);
    expect(paths({ ...validManifest(), partner: 'acme/retail' })).toEqual(['partner']);
    expect(paths({ ...validManifest(), partner: '-acme' })).toEqual(['partner']);
    expect(paths({ ...validManifest(), batchId: '' })).toEqual(['batchId']);
    expect(paths({ ...validManifest(), batchId: 'b'.repeat(65) })).toEqual(['batchId']);
  });

  it('rejects other versions, formats, compressions, delimiters and row counts', () => {
    expect(paths({ ...validManifest(), manifestVersion: 2 })).toEqual(['manifestVersion']);
    expect(paths(withFile(0, { format: 'xlsx' }))).toEqual(['files.0.format']);
    expect(paths(withFile(0, { encoding: 'utf-16' }))).toEqual(['files.0.encoding']);
    expect(paths(withFile(0, { compression: 'zip' }))).toEqual(['files.0.compression']);
    expect(paths(withFile(0, { delimiter: ';;' }))).toEqual(['files.0.delimiter']);
    expect(paths(withFile(0, { rows: -1 }))).toEqual(['files.0.rows']);
    expect(paths(withFile(0, { rows: 1.5 }))).toEqual(['files.0.rows']);
    expect(paths(withFile(0, { dataset: 'orders' }))).toEqual(['files.0.dataset']);
  });

  it('accepts csv in any single-character or whitespace delimiter, latin1, jsonl and parquet', () => {
    expect(paths(withFile(0, { delimiter: 'whitespace', encoding: 'latin1' }))).toEqual([]);
    expect(paths(withFile(0, { delimiter: '\t' }))).toEqual([]);
    expect(paths(withFile(0, { format: 'jsonl', compression: 'gzip' }))).toEqual([]);
    expect(paths(withFile(0, { format: 'parquet', compression: 'none' }))).toEqual([]);
    expect(paths(withFile(0, { header: false, columns: ['customer_id', 'signup_date'] }))).toEqual([]);
  });

  it('refuses file settings that contradict each other, naming the field', () => {
    expect(paths(withFile(0, { header: false }))).toEqual(['files.0.columns']);
    expect(paths(withFile(0, { format: 'jsonl', delimiter: ';' }))).toEqual(['files.0.format']);
    expect(paths(withFile(0, { format: 'parquet', compression: 'gzip' }))).toEqual(['files.0.compression']);
    expect(paths(withFile(0, { delimiter: '"' }))).toEqual(['files.0.delimiter']);
    expect(paths(withFile(0, { mapping: 'has space' }))).toEqual(['files.0.mapping']);
  });

  it('rejects an empty file list, a bad asOf and bad campaign settings', () => {
    expect(paths({ ...validManifest(), files: [] })).toEqual(['files']);
    expect(paths({ ...validManifest(), asOf: '2026-02-30' })).toEqual(['asOf']);
    expect(paths({ ...validManifest(), createdAt: '2026-03-01 08:00' })).toEqual(['createdAt']);
    expect(paths({ ...validManifest(), campaign: { budget: 0 } })).toEqual(['campaign.budget']);
    expect(paths({ ...validManifest(), campaign: { holdoutFraction: 0.6 } })).toEqual([
      'campaign.holdoutFraction',
    ]);
  });
});

describe('manifest keys', () => {
  it('MANIFEST_KEY matches incoming/{partner}/{batchId}/manifest.json and captures both ids', () => {
    const m = MANIFEST_KEY.exec('incoming/acme-retail/2026-03_01/manifest.json');
    expect(m?.slice(1)).toEqual(['acme-retail', '2026-03_01']);
  });

  it('MANIFEST_KEY does not match other keys', () => {
    for (const key of [
      'incoming/acme/b1/customers.csv',
      'incoming/acme/b1/sub/manifest.json',
      'incoming/acme/manifest.json',
      'incoming/-acme/b1/manifest.json',
      'other/acme/b1/manifest.json',
      'incoming/acme/b1/manifest.json.bak',
      'incoming/ac me/b1/manifest.json',
    ]) {
      expect(MANIFEST_KEY.test(key)).toBe(false);
    }
  });

  it('batchPrefix and manifestKey build the keys MANIFEST_KEY reads back', () => {
    expect(batchPrefix('acme', 'b1')).toBe('incoming/acme/b1/');
    expect(manifestKey('acme', 'b1')).toBe('incoming/acme/b1/manifest.json');
    expect(MANIFEST_KEY.exec(manifestKey('acme', 'b1'))?.slice(1)).toEqual(['acme', 'b1']);
  });
});
