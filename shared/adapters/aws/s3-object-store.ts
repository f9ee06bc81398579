import { PassThrough, Readable } from 'node:stream';
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Ref } from '../../domain/runs/run-state';
import {
  ObjectChangedError,
  type ObjectInfo,
  ObjectNotFoundError,
  type ObjectStore,
  type ObjectWriter,
  type TaggedText,
  type VersionedRef,
} from '../../ports/object-store';

/** S3 behind the ObjectStore port. Versioned reads pin the exact bytes a run started with. */
export class S3ObjectStore implements ObjectStore {
  public constructor(private readonly s3: S3Client) {}

  public async head(ref: S3Ref): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
      return {
        key: ref.key,
        size: out.ContentLength ?? 0,
        version: out.VersionId ?? stripQuotes(out.ETag),
        ...(out.LastModified ? { lastModified: out.LastModified } : {}),
      };
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return undefined;
      throw error;
    }
  }
  public async read(ref: VersionedRef): Promise<Readable> {
    const out = await this.get(ref);
    if (!(out.Body instanceof Readable)) throw new Error(`s3://${ref.bucket}/${ref.key} returned no stream`);
    return out.Body;
  }
  public async readText(ref: VersionedRef): Promise<string> {
    const out = await this.get(ref);
    return (await out.Body?.transformToString('utf8')) ?? '';
  }

  public async readRange(ref: VersionedRef, start: number, end: number): Promise<Uint8Array> {
    if (end <= start) return new Uint8Array(0);
    const out = await this.get(ref, `bytes=${start}-${end - 1}`);
    return (await out.Body?.transformToByteArray()) ?? new Uint8Array(0);
  }

  private async get(ref: VersionedRef, range?: string) {
    try {
      return await this.s3.send(
        new GetObjectCommand({
          Bucket: ref.bucket,
          Key: ref.key,
          ...versionOf(ref),
          ...(range ? { Range: range } : {}),
        }),
      );
    } catch (error) {
      const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (name === 'PreconditionFailed' || $metadata?.httpStatusCode === 412) {
        throw new ObjectChangedError(ref, { cause: error });
      }
      if (name === 'NoSuchKey' || name === 'NoSuchVersion' || $metadata?.httpStatusCode === 404) {
        throw new ObjectNotFoundError(ref, { cause: error });
      }
      throw error;
    }
  }

  public async write(ref: S3Ref, body: string | Uint8Array, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: ref.bucket, Key: ref.key, Body: body, ContentType: contentType }),
    );
  }

  public async readTagged(ref: S3Ref): Promise<TaggedText | undefined> {
    try {
      const out = await this.get(ref);
      return { text: (await out.Body?.transformToString('utf8')) ?? '', etag: out.ETag ?? '' };
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
  }

  public async writeIfUnchanged(
    ref: S3Ref,
    body: string,
    contentType: string,
    etag: string | null,
  ): Promise<boolean> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: ref.bucket,
          Key: ref.key,
          Body: body,
          ContentType: contentType,
          ...(etag === null ? { IfNoneMatch: '*' } : { IfMatch: etag }),
        }),
      );
      return true;
    } catch (error) {
      const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      const status = $metadata?.httpStatusCode;
      // 412: the tag no longer matches (or the object now exists); 404: it was deleted since;
      // 409: a concurrent conditional write to the same key won the race.
      if (
        name === 'PreconditionFailed' ||
        name === 'NoSuchKey' ||
        name === 'ConditionalRequestConflict' ||
        status === 412 ||
        status === 404 ||
        status === 409
      )
        return false;
      throw error;
    }
  }

  public openWriter(ref: S3Ref, contentType: string): ObjectWriter {
    const stream = new PassThrough();
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    const upload = new Upload({
      client: this.s3,
      params: { Bucket: ref.bucket, Key: ref.key, Body: stream, ContentType: contentType },
      queueSize: 2,
    });
    const done = upload.done();
    // Rejections surface through finish(); keep them from being reported as unhandled meanwhile.
    done.catch(() => undefined);
    return {
      stream,
      finish: async () => {
        stream.end();
        await done;
        return { bytes };
      },
      abort: async () => {
        stream.destroy();
        await upload.abort().catch(() => undefined);
      },
    };
  }

  public async copy(from: VersionedRef, to: S3Ref): Promise<void> {
    const source = `${from.bucket}/${encodeURIComponent(from.key).replace(/%2F/g, '/')}`;
    await this.s3.send(
      new CopyObjectCommand({
        Bucket: to.bucket,
        Key: to.key,
        CopySource: from.version && !isEtag(from.version) ? `${source}?versionId=${from.version}` : source,
        ...(from.version && isEtag(from.version) ? { CopySourceIfMatch: `"${from.version}"` } : {}),
      }),
    );
  }

  public async *list(bucket: string, prefix: string): AsyncIterable<ObjectInfo> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        yield {
          key: o.Key,
          size: o.Size ?? 0,
          version: stripQuotes(o.ETag),
          ...(o.LastModified ? { lastModified: o.LastModified } : {}),
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

function stripQuotes(etag: string | undefined): string {
  return (etag ?? '').replace(/"/g, '');
}

/** ETags are hex digests (with a part count for multipart); version ids are not. */
function isEtag(version: string): boolean {
  return /^[0-9a-f]{32}(-\d+)?$/.test(version);
}

/**
 * Pins a read to the bytes a run started with: by version id on a versioned bucket, else by
 * `If-Match` on the ETag, so an overwrite mid-run fails loudly instead of being read.
 */
function versionOf(ref: VersionedRef): { VersionId?: string; IfMatch?: string } {
  if (!ref.version) return {};
  return isEtag(ref.version) ? { IfMatch: `"${ref.version}"` } : { VersionId: ref.version };
}
