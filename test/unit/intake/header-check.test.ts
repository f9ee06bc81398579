import { describe, expect, it } from 'vitest';
import type { Contract } from '#shared/domain/contracts/contract';
import { contractFor } from '#shared/domain/contracts/datasets';
import {
  checkHeader,
  columnOrigin,
  type HeaderLayout,
  isRejection,
} from '#shared/domain/intake/header-check';
import type { Rejection } from '#shared/domain/runs/run-state';

const offers: Contract = contractFor('offers');
const ALL = offers.columns.map((c) => c.name);

function layoutOf(result: HeaderLayout | Rejection): HeaderLayout {
  if (isRejection(result)) throw new Error(`expected a layout, got ${result.rule}: ${result.message}`);
  return result;
}

function rejectionOf(result: HeaderLayout | Rejection): Rejection {
  if (!isRejection(result)) throw new Error('expected a rejection');
  return result;
}

describe('checkHeader', () => {
  it('maps every field position to its column, in the file order', () => {
    const header = [...ALL].reverse();
    expect(layoutOf(checkHeader(offers, 'offers.csv', header))).toEqual({
      columns: header,
      sources: new Map(header.map((h) => [h, h])),
      unknownColumns: [],
    });
  });

  it('trims the names in the header, and reads each column from its name as written', () => {
    const header = ALL.map((n) => ` ${n} `);
    const layout = layoutOf(checkHeader(offers, 'offers.csv', header));
    expect(layout.columns).toEqual(ALL);
    expect(layout.sources.get('offer_id')).toBe(' offer_id ');
    expect([...layout.sources.keys()]).toEqual(ALL);
  });

  it('accepts a header with only the required columns', () => {
    const layout = layoutOf(checkHeader(offers, 'offers.csv', offers.requiredColumns));
    expect(layout.columns).toEqual(offers.requiredColumns);
  });

  it('reports unknown columns and leaves their positions unmapped', () => {
    const header = ['offer_id', 'internal_note', ...ALL.slice(1), 'Offer_ID'];
    const layout = layoutOf(checkHeader(offers, 'offers.csv', header));
    expect(layout.unknownColumns).toEqual(['internal_note', 'Offer_ID']);
    expect(layout.columns).toEqual(['offer_id', undefined, ...ALL.slice(1), undefined]);
    expect(layout.sources.has('internal_note')).toBe(false);
  });

  it("refuses a column named twice with rule 'duplicate_column' on line 1", () => {
    const result = rejectionOf(checkHeader(offers, 'offers.csv', [...ALL, 'kind']));
    expect(result).toEqual({
      file: 'offers.csv',
      line: 1,
      column: 'kind',
      rule: 'duplicate_column',
      message: 'column kind appears twice in the header',
    });
  });

  it('counts names as duplicates after trimming', () => {
    expect(rejectionOf(checkHeader(offers, 'offers.csv', [...ALL, ' kind'])).rule).toBe('duplicate_column');
  });

  it("refuses missing required columns with rule 'missing_column', naming every one of them", () => {
    const header = ALL.filter((n) => n !== 'kind' && n !== 'valid_to');
    const result = rejectionOf(checkHeader(offers, 'offers.csv', header));
    expect(result.rule).toBe('missing_column');
    expect(result.line).toBe(1);
    expect(result.column).toBe('kind');
    expect(result.message).toMatch(/^required columns kind, valid_to missing from the header/);
    expect(result.message).toContain(`found: ${header.join(', ')}`);
  });

  it('uses the singular for one missing column', () => {
    const result = rejectionOf(
      checkHeader(
        offers,
        'offers.csv',
        ALL.filter((n) => n !== 'name'),
      ),
    );
    expect(result.message).toMatch(/^required column name missing/);
  });

  it('sees a header split on the wrong delimiter as one unknown column and missing required ones', () => {
    const result = rejectionOf(checkHeader(offers, 'offers.csv', [ALL.join(';')]));
    expect(result.rule).toBe('missing_column');
    expect(result.column).toBe('offer_id');
  });

  it("refuses a header with binary data with rule 'binary_content' before anything else", () => {
    const result = rejectionOf(checkHeader(offers, 'offers.bin', ['\u001f\u008b\u0008', 'x', 'x']));
    expect(result).toEqual({
      file: 'offers.bin',
      line: 1,
      rule: 'binary_content',
      message: 'the header holds binary data; is this a CSV file?',
    });
    expect(rejectionOf(checkHeader(offers, 'offers.csv', [...ALL.slice(1), 'offer\u0000id'])).rule).toBe(
      'binary_content',
    );
  });

  it('does not take a tab inside a name for binary data', () => {
    expect(rejectionOf(checkHeader(offers, 'offers.csv', [ALL.join('\t')])).rule).toBe('missing_column');
  });

  it('names where the columns came from, without line 1 when that is not a header line', () => {
    const parquet = columnOrigin({ format: 'parquet', header: true });
    expect(checkHeader(offers, 'offers.parquet', ALL.slice(1), parquet)).toEqual({
      file: 'offers.parquet',
      column: 'offer_id',
      rule: 'missing_column',
      message: `required column offer_id missing from the Parquet schema (found: ${ALL.slice(1).join(', ')})`,
    });
    const headerless = columnOrigin({ format: 'csv', header: false });
    expect(checkHeader(offers, 'offers.csv', [...ALL, 'kind'], headerless)).toEqual({
      file: 'offers.csv',
      column: 'kind',
      rule: 'duplicate_column',
      message: "column kind appears twice in the manifest's columns",
    });
    const jsonl = columnOrigin({ format: 'jsonl', header: true });
    expect(rejectionOf(checkHeader(offers, 'offers.jsonl', ['\u0000'], jsonl)).message).toBe(
      'the first JSON object holds binary data; is this a JSON Lines file?',
    );
  });

  it('reads a CSV header as line 1', () => {
    expect(columnOrigin({ format: 'csv', header: true })).toEqual({
      name: 'the header',
      line: 1,
      format: 'CSV',
    });
  });
});
