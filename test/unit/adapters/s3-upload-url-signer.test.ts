import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { S3UploadUrlSigner } from '#shared/adapters/aws/s3-upload-url-signer';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION = 'us-east-1';

/** Presigning is local computation: a real client with static credentials, and no request is sent. */
const s3 = new S3Client({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
});

describe('S3UploadUrlSigner', () => {
  it('presigns a PUT of exactly the key, signing the content type, expiring as asked', async () => {
    const signer = new S3UploadUrlSigner(s3);

    const url = new URL(
      await signer.presignPut('landing', 'incoming/acme/b1/customers.csv', 'text/csv', 900),
    );

    expect(url.protocol).toBe('https:');
    expect(url.hostname).toBe('landing.s3.us-east-1.amazonaws.com');
    expect(url.pathname).toBe('/incoming/acme/b1/customers.csv');
    const signedHeaders = url.searchParams.get('X-Amz-SignedHeaders')?.split(';') ?? [];
    expect(signedHeaders).toContain('content-type');
    expect(signedHeaders).toContain('host');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(
      /^AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request$/,
    );
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    // The content type is a signed header, not a query parameter a caller could drop.
    expect(url.searchParams.has('Content-Type')).toBe(false);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('signs the same request the same way, and another content type or key differently', async () => {
    // A fixed clock: the signature covers the date, so only the request may differ.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-22T07:00:00Z'));
    const signer = new S3UploadUrlSigner(s3);
    const signature = async (key: string, type: string) =>
      new URL(await signer.presignPut('landing', key, type, 60)).searchParams.get('X-Amz-Signature');

    const base = await signature('incoming/acme/b1/a.csv', 'text/csv');
    expect(await signature('incoming/acme/b1/a.csv', 'text/csv')).toBe(base);
    expect(await signature('incoming/acme/b1/a.csv', 'application/gzip')).not.toBe(base);
    expect(await signature('incoming/acme/b1/b.csv', 'text/csv')).not.toBe(base);
  });
});
