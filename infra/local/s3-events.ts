import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-runtime';

/** The notification record s3rver emits (S3 event-notification shape). */
export interface S3rverRecord {
  readonly eventName: string;
  readonly eventTime?: string;
  readonly s3: {
    readonly bucket: { readonly name: string };
    readonly object: { readonly key: string; readonly size?: number; readonly eTag?: string };
  };
}

let sequence = 0;

/**
 * Translates s3rver's notification into the event S3 sends to EventBridge, the shape the
 * deployed rule matches and the state machine receives: "Object Created" with the key as is.
 */
export function toEventBridgeObjectCreated(record: S3rverRecord): Record<string, unknown> | undefined {
  if (!record.eventName.startsWith('ObjectCreated:')) return undefined;
  sequence += 1;
  const reasons: Record<string, string> = {
    'ObjectCreated:Put': 'PutObject',
    'ObjectCreated:Post': 'CompleteMultipartUpload',
    'ObjectCreated:Copy': 'CopyObject',
  };
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: LOCAL_ACCOUNT,
    time: record.eventTime ?? new Date().toISOString(),
    region: LOCAL_REGION,
    resources: [`arn:aws:s3:::${record.s3.bucket.name}`],
    detail: {
      version: '0',
      bucket: { name: record.s3.bucket.name },
      object: {
        key: record.s3.object.key,
        size: record.s3.object.size ?? 0, // s3rver's copy notifications carry no ETag; S3 leaves the field out rather than empty.
        ...(record.s3.object.eTag ? { etag: record.s3.object.eTag.replace(/"/g, '') } : {}),
        sequencer: sequence.toString(16).padStart(18, '0').toUpperCase(),
      },
      'request-id': randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
      requester: LOCAL_ACCOUNT,
      'source-ip-address': '127.0.0.1',
      reason: reasons[record.eventName] ?? 'PutObject',
    },
  };
}
