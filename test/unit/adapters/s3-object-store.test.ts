import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '#shared/adapters/aws/s3-object-store';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION = 'us-east-1';

const s3Mock = mockClient(S3Client);
const ETAG = '0123456789abcdef0123456789abcdef';
const VERSION_ID = '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY';

/** A GetObject body as the SDK returns it: a Node stream with the SDK's transform helpers. */
function streamOf(text: string): GetObjectCommandOutput['Body'] {
  const stream = Readable.from([Buffer.from(text)]);
  const body = Object.assign(stream, {
    transformToString: async (encoding?: BufferEncoding) => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString(encoding);
    },
    transformToByteArray: async () => new Uint8Array(),
    transformToWebStream: () => {
      throw new Error('not used');
    },
  });
  return body as unknown as GetObjectCommandOutput['Body'];
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('S3ObjectStore', () => {
  let store: S3ObjectStore;

  beforeEach(() => {
    s3Mock.reset();
    store = new S3ObjectStore(new S3Client({ region: 'us-east-1' }));
  });

  describe('head', () => {
    it('returns size, the version id and the modification time', async () => {
      const lastModified = new Date('2026-11-22T07:00:00Z');
      s3Mock.on(HeadObjectCommand).resolves({
        ContentLength: 42,
        VersionId: VERSION_ID,
        ETag: `"${ETAG}"`,
        LastModified: lastModified,
      });

      const info = await store.head({ bucket: 'landing', key: 'incoming/p/b/manifest.json' });

      expect(info).toEqual({
        key: 'incoming/p/b/manifest.json',
        size: 42,
        version: VERSION_ID,
        lastModified,
      });
      expect(s3Mock.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({
        Bucket: 'landing',
        Key: 'incoming/p/b/manifest.json',
      });
    });

    it('falls back to the ETag without quotes on an unversioned bucket', async () => {
      s3Mock.on(HeadObjectCommand).resolves({ ContentLength: 1, ETag: `"${ETAG}"` });
      expect(await store.head({ bucket: 'b', key: 'k' })).toEqual({ key: 'k', size: 1, version: ETAG });
    });

    it('returns undefined when the object does not exist', async () => {
      s3Mock.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: {} }));
      expect(await store.head({ bucket: 'b', key: 'missing' })).toBeUndefined();
    });

    it('rethrows other errors', async () => {
      const denied = new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: {},
        message: 'no',
      });
      s3Mock.on(HeadObjectCommand).rejects(denied);
      await expect(store.head({ bucket: 'b', key: 'k' })).rejects.toBe(denied);
    });
  });

  describe('read and readText', () => {
    it('pins a read to an ETag-looking version with If-Match on the quoted ETag', async () => {
      s3Mock.on(GetObjectCommand).resolves({ Body: streamOf('hello') });

      const text = await store.readText({ bucket: 'b', key: 'k', version: ETAG });

      expect(text).toBe('hello');
      expect(s3Mock.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
        Bucket: 'b',
        Key: 'k',
        IfMatch: `"${ETAG}"`,
      });
    });

    it('treats a multipart ETag (hex-partcount) as an ETag', async () => {
      s3Mock.on(GetObjectCommand).resolves({ Body: streamOf('x') });
      await store.readText({ bucket: 'b', key: 'k', version: `${ETAG}-3` });
      expect(s3Mock.commandCalls(GetObjectCommand)[0]?.args[0].input).toMatchObject({
        IfMatch: `"${ETAG}-3"`,
      });
    });

    it('pins a read to a version id with VersionId', async () => {
      s3Mock.on(GetObjectCommand).resolves({ Body: streamOf('v') });

      const stream = await store.read({ bucket: 'b', key: 'k', version: VERSION_ID });

      expect(stream).toBeInstanceOf(Readable);
      expect(Buffer.concat(await collect<Buffer>(stream)).toString()).toBe('v');
      expect(s3Mock.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
        Bucket: 'b',
        Key: 'k',
        VersionId: VERSION_ID,
      });
    });

    it('reads the current object without a version', async () => {
      s3Mock.on(GetObjectCommand).resolves({ Body: streamOf('now') });
      await store.readText({ bucket: 'b', key: 'k' });
      expect(s3Mock.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({ Bucket: 'b', Key: 'k' });
    });

    it('readText answers "" for an empty body', async () => {
      s3Mock.on(GetObjectCommand).resolves({});
      expect(await store.readText({ bucket: 'b', key: 'k' })).toBe('');
    });

    it('read fails loudly when S3 returns no stream', async () => {
      s3Mock.on(GetObjectCommand).resolves({});
      await expect(store.read({ bucket: 'b', key: 'k' })).rejects.toThrow('s3://b/k returned no stream');
    });
  });

  it('write sends the body and content type', async () => {
    s3Mock.on(PutObjectCommand).resolves({});

    await store.write({ bucket: 'lake', key: 'runs/r1/report.json' }, '{"a":1}', 'application/json');

    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(1);
    expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'lake',
      Key: 'runs/r1/report.json',
      Body: '{"a":1}',
      ContentType: 'application/json',
    });
  });

  describe('conditional writes', () => {
    const ref = { bucket: 'lake', key: 'models/churn/champion-acme.json' };
    const failure = (name: string, httpStatusCode: number) =>
      new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode } });

    it('readTagged returns the text with the ETag, and undefined for a missing key', async () => {
      s3Mock
        .on(GetObjectCommand)
        .resolvesOnce({ Body: streamOf('{"v":1}'), ETag: `"${ETAG}"` })
        .rejectsOnce(failure('NoSuchKey', 404));
      expect(await store.readTagged(ref)).toEqual({ text: '{"v":1}', etag: `"${ETAG}"` });
      expect(await store.readTagged(ref)).toBeUndefined();
    });

    it('writeIfUnchanged sends If-Match with the tag read, or If-None-Match: * for none', async () => {
      s3Mock.on(PutObjectCommand).resolves({});
      expect(await store.writeIfUnchanged(ref, 'x', 'application/json', `"${ETAG}"`)).toBe(true);
      expect(await store.writeIfUnchanged(ref, 'y', 'application/json', null)).toBe(true);
      const inputs = s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
      expect(inputs).toEqual([
        { Bucket: 'lake', Key: ref.key, Body: 'x', ContentType: 'application/json', IfMatch: `"${ETAG}"` },
        { Bucket: 'lake', Key: ref.key, Body: 'y', ContentType: 'application/json', IfNoneMatch: '*' },
      ]);
    });

    it('writeIfUnchanged returns false when another writer got there first, and rethrows anything else', async () => {
      const races = [
        ['PreconditionFailed', 412],
        ['NoSuchKey', 404],
        ['ConditionalRequestConflict', 409],
      ] as const;
      s3Mock
        .on(PutObjectCommand)
        .rejectsOnce(failure(races[0][0], races[0][1]))
        .rejectsOnce(failure(races[1][0], races[1][1]))
        .rejectsOnce(failure(races[2][0], races[2][1]))
        .rejectsOnce(failure('AccessDenied', 403));
      for (const [name] of races)
        expect(await store.writeIfUnchanged(ref, 'x', 'application/json', `"${ETAG}"`), name).toBe(false);
      await expect(store.writeIfUnchanged(ref, 'x', 'application/json', null)).rejects.toThrow();
    });
  });

  it('openWriter streams bytes into one upload and reports the bytes written', async () => {
    s3Mock.on(PutObjectCommand).resolves({ ETag: '"e"' });

    const writer = store.openWriter(
      { bucket: 'lake', key: 'curated/x.parquet' },
      'application/vnd.apache.parquet',
    );
    writer.stream.write(Buffer.from('abc'));
    writer.stream.write(Buffer.from('defg'));
    const { bytes } = await writer.finish();

    expect(bytes).toBe(7);
    const puts = s3Mock.commandCalls(PutObjectCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0]?.args[0].input).toMatchObject({
      Bucket: 'lake',
      Key: 'curated/x.parquet',
      ContentType: 'application/vnd.apache.parquet',
    });
  });

  describe('copy', () => {
    it('URL-encodes the source key but keeps its slashes, and adds ?versionId= for a version id', async () => {
      s3Mock.on(CopyObjectCommand).resolves({});

      await store.copy(
        { bucket: 'landing', key: 'incoming/p/b 1/data+file ä.csv', version: VERSION_ID },
        { bucket: 'lake', key: 'quarantine/p/b/r/files/data.csv' },
      );

      expect(s3Mock.commandCalls(CopyObjectCommand)[0]?.args[0].input).toEqual({
        Bucket: 'lake',
        Key: 'quarantine/p/b/r/files/data.csv',
        CopySource: `landing/incoming/p/b%201/data%2Bfile%20%C3%A4.csv?versionId=${VERSION_ID}`,
      });
    });

    it('does not put an ETag in the CopySource', async () => {
      s3Mock.on(CopyObjectCommand).resolves({});
      await store.copy({ bucket: 'landing', key: 'a/b.csv', version: ETAG }, { bucket: 'lake', key: 'c' });
      expect(s3Mock.commandCalls(CopyObjectCommand)[0]?.args[0].input.CopySource).toBe('landing/a/b.csv');
    });

    it('copies the current object without a version', async () => {
      s3Mock.on(CopyObjectCommand).resolves({});
      await store.copy({ bucket: 'landing', key: 'a/b.csv' }, { bucket: 'lake', key: 'c' });
      expect(s3Mock.commandCalls(CopyObjectCommand)[0]?.args[0].input.CopySource).toBe('landing/a/b.csv');
    });
  });

  it('list pages through ContinuationToken and maps each object', async () => {
    const at = new Date('2026-11-01T00:00:00Z');
    s3Mock
      .on(ListObjectsV2Command)
      .resolvesOnce({
        IsTruncated: true,
        NextContinuationToken: 'page-2',
        Contents: [
          { Key: 'incoming/p/a.csv', Size: 10, ETag: '"e1"', LastModified: at },
          { Size: 3 }, // no key: skipped
        ],
      })
      .resolvesOnce({ IsTruncated: false, Contents: [{ Key: 'incoming/p/b.csv', ETag: '"e2"' }] });

    const objects = await collect(store.list('landing', 'incoming/p/'));

    expect(objects).toEqual([
      { key: 'incoming/p/a.csv', size: 10, version: 'e1', lastModified: at },
      { key: 'incoming/p/b.csv', size: 0, version: 'e2' },
    ]);
    const calls = s3Mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { Bucket: 'landing', Prefix: 'incoming/p/' },
      { Bucket: 'landing', Prefix: 'incoming/p/', ContinuationToken: 'page-2' },
    ]);
  });

  it('list yields nothing for an empty prefix', async () => {
    s3Mock.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
    expect(await collect(store.list('landing', 'nothing/'))).toEqual([]);
    expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(1);
  });
});
