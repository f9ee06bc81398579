import { describe, expect, it } from 'vitest';
import { type EventPattern, matchesPattern } from '#infra/local/event-pattern';
import { manifestUploadedPattern } from '#infra/topology/triggers';

function objectCreated(bucket: string, key: string) {
  return {
    source: 'aws.s3',
    'detail-type': 'Object Created',
    detail: { bucket: { name: bucket }, object: { key, size: 10, etag: 'abc' } },
  };
}

describe('matchesPattern', () => {
  it('matches literal values, any of a list', () => {
    const pattern: EventPattern = { source: ['aws.s3', 'aws.ec2'] };
    expect(matchesPattern(pattern, { source: 'aws.ec2' })).toBe(true);
    expect(matchesPattern(pattern, { source: 'aws.sqs' })).toBe(false);
    expect(matchesPattern(pattern, {})).toBe(false);
  });

  it('matches numbers, booleans and null by value and type', () => {
    expect(matchesPattern({ n: [5] }, { n: 5 })).toBe(true);
    expect(matchesPattern({ n: [5] }, { n: '5' })).toBe(false);
    expect(matchesPattern({ b: [true] }, { b: true })).toBe(true);
    expect(matchesPattern({ v: [null] }, { v: null })).toBe(true);
    expect(matchesPattern({ v: [null] }, {})).toBe(false);
  });

  it('matches prefix and suffix on strings only', () => {
    expect(matchesPattern({ key: [{ prefix: 'incoming/' }] }, { key: 'incoming/a' })).toBe(true);
    expect(matchesPattern({ key: [{ prefix: 'incoming/' }] }, { key: 'outgoing/a' })).toBe(false);
    expect(matchesPattern({ key: [{ suffix: '.json' }] }, { key: 'a/manifest.json' })).toBe(true);
    expect(matchesPattern({ key: [{ suffix: '.json' }] }, { key: 'a/manifest.jsonl' })).toBe(false);
    expect(matchesPattern({ key: [{ prefix: '1' }] }, { key: 12 })).toBe(false);
  });

  it('matches a wildcard whose * spans slashes, with other characters literal', () => {
    const pattern: EventPattern = { key: [{ wildcard: 'a/*.json' }] };
    expect(matchesPattern(pattern, { key: 'a/b/c.json' })).toBe(true);
    expect(matchesPattern(pattern, { key: 'a/.json' })).toBe(true);
    expect(matchesPattern(pattern, { key: 'a/bXjson' })).toBe(false); // the dot is not a regex dot
    expect(matchesPattern(pattern, { key: 'xa/b.json' })).toBe(false); // anchored
    expect(matchesPattern({ key: [{ wildcard: '(a)+?' }] }, { key: '(a)+?' })).toBe(true);
  });

  it('matches exists true and false', () => {
    expect(matchesPattern({ detail: { v: [{ exists: true }] } }, { detail: { v: 'x' } })).toBe(true);
    expect(matchesPattern({ detail: { v: [{ exists: true }] } }, { detail: {} })).toBe(false);
    expect(matchesPattern({ detail: { v: [{ exists: false }] } }, { detail: {} })).toBe(true);
    expect(matchesPattern({ detail: { v: [{ exists: false }] } }, { detail: { v: 'x' } })).toBe(false);
  });

  it('matches nested objects, and needs the nested object to be there', () => {
    const pattern: EventPattern = { detail: { bucket: { name: ['b'] } } };
    expect(matchesPattern(pattern, { detail: { bucket: { name: 'b' } } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { bucket: { name: 'c' } } })).toBe(false);
    expect(matchesPattern(pattern, { detail: {} })).toBe(false);
    expect(matchesPattern(pattern, { detail: 'b' })).toBe(false);
    expect(matchesPattern(pattern, null)).toBe(false);
  });

  it('matches every field of the pattern, ignoring fields it does not name', () => {
    const pattern: EventPattern = { a: ['1'], b: ['2'] };
    expect(matchesPattern(pattern, { a: '1', b: '2', c: '3' })).toBe(true);
    expect(matchesPattern(pattern, { a: '1', b: '3' })).toBe(false);
  });
});

describe('manifestUploadedPattern', () => {
  const pattern = manifestUploadedPattern('b');

  it('matches a manifest at incoming/{partner}/{batchId}/manifest.json in the landing bucket', () => {
    expect(matchesPattern(pattern, objectCreated('b', 'incoming/p/b1/manifest.json'))).toBe(true);
  });

  it.each([
    'incoming/p/b1/data.csv',
    'incoming/p/manifest.json',
    'incoming/p/b1/manifest.json.bak',
    'other/p/b1/manifest.json',
  ])('does not match %s', (key) => {
    expect(matchesPattern(pattern, objectCreated('b', key))).toBe(false);
  });

  it('does not match another bucket, source or detail type', () => {
    expect(matchesPattern(pattern, objectCreated('other', 'incoming/p/b1/manifest.json'))).toBe(false);
    expect(
      matchesPattern(pattern, { ...objectCreated('b', 'incoming/p/b1/manifest.json'), source: 'aws.s4' }),
    ).toBe(false);
    expect(
      matchesPattern(pattern, {
        ...objectCreated('b', 'incoming/p/b1/manifest.json'),
        'detail-type': 'Object Deleted',
      }),
    ).toBe(false);
  });
});
