import { describe, expect, it } from 'vitest';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '#infra/local/lambda-runtime';
import { type S3rverRecord, toEventBridgeObjectCreated } from '#infra/local/s3-events';

type Detail = { reason: string; object: Record<string, unknown> & { sequencer: string } };
const detailOf = (event: Record<string, unknown> | undefined) => (event?.detail ?? {}) as Detail;

function record(eventName: string, object: S3rverRecord['s3']['object']): S3rverRecord {
  return {
    eventName,
    eventTime: '2026-11-22T07:00:00.000Z',
    s3: { bucket: { name: 'campaign-landing' }, object },
  };
}

describe('toEventBridgeObjectCreated', () => {
  it('shapes a put as the S3 "Object Created" EventBridge event, the key unencoded and the ETag unquoted', () => {
    const event = toEventBridgeObjectCreated(
      record('ObjectCreated:Put', {
        key: 'incoming/acme/b 1+x/manifest.json',
        size: 321,
        eTag: '"0123abcd"',
      }),
    );

    expect(event).toMatchObject({
      version: '0',
      source: 'aws.s3',
      'detail-type': 'Object Created',
      account: LOCAL_ACCOUNT,
      region: LOCAL_REGION,
      time: '2026-11-22T07:00:00.000Z',
      resources: ['arn:aws:s3:::campaign-landing'],
      detail: {
        version: '0',
        bucket: { name: 'campaign-landing' },
        object: { key: 'incoming/acme/b 1+x/manifest.json', size: 321, etag: '0123abcd' },
        requester: LOCAL_ACCOUNT,
        reason: 'PutObject',
      },
    });
    expect(event?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives each event its own id and an increasing sequencer', () => {
    const a = toEventBridgeObjectCreated(record('ObjectCreated:Put', { key: 'a', eTag: '"e"' }));
    const b = toEventBridgeObjectCreated(record('ObjectCreated:Put', { key: 'b', eTag: '"e"' }));
    const sequencer = (e: typeof a) => detailOf(e).object.sequencer;
    expect(a?.id).not.toBe(b?.id);
    expect(sequencer(b) > sequencer(a)).toBe(true);
  });

  it.each([
    ['ObjectCreated:Put', 'PutObject'],
    ['ObjectCreated:Post', 'CompleteMultipartUpload'],
    ['ObjectCreated:Copy', 'CopyObject'],
  ])('gives %s the reason %s', (eventName, reason) => {
    const event = toEventBridgeObjectCreated(record(eventName, { key: 'k', eTag: '"e"' }));
    expect(detailOf(event).reason).toBe(reason);
  });

  it('ignores removals', () => {
    expect(toEventBridgeObjectCreated(record('ObjectRemoved:Delete', { key: 'k' }))).toBeUndefined();
  });

  it('leaves the etag out when s3rver gives none (its Copy notifications), so RegisterRun asks S3', () => {
    // s3rver's ObjectCreated:Copy record carries no eTag. An empty etag is not nullish, so
    // RegisterRun (`version-id ?? etag ?? head()`) would take '' as the version and refuse the
    // manifest as "no longer exists" instead of falling back to HeadObject.
    const event = toEventBridgeObjectCreated(
      record('ObjectCreated:Copy', { key: 'incoming/p/b/manifest.json', size: 3 }),
    );
    expect(detailOf(event).object).not.toHaveProperty('etag');
  });
});
