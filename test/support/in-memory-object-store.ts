import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { S3Ref } from '#shared/domain/runs/run-state';
import {
  ObjectChangedError,
  type ObjectInfo,
  ObjectNotFoundError,
  type ObjectStore,
  type ObjectWriter,
  type TaggedText,
  type VersionedRef,
  writeConditionHolds,
} from '#shared/ports/object-store';

/** One call made through the port, in the order it was made. */
export interface StoreCall {
  readonly op:
    | 'head'
    | 'read'
    | 'readText'
    | 'readRange'
    | 'write'
    | 'readTagged'
    | 'writeIfUnchanged'
    | 'openWriter'
    | 'copy'
    | 'list';
  readonly bucket: string;
  /** The key (for `list`, the prefix). */
  readonly key: string;
  /** The version a read or copy was pinned to, if any; for `writeIfUnchanged`, the tag it expected ('' for none). */
  readonly version?: string;
  /** For `writeIfUnchanged`: whether it wrote. */
  readonly written?: boolean;
  readonly contentType?: string;
  /** For `copy`: where the object went. */
  readonly to?: S3Ref;
}

interface StoredObject {
  readonly body: Buffer;
  readonly version: string;
  readonly contentType?: string;
}

/** S3's 404 on a GET of a key that does not exist. */
export class NoSuchKeyError extends ObjectNotFoundError {
  public constructor(ref: S3Ref) {
    super(ref);
    this.name = 'NoSuchKey';
  }
}

/** S3's 412: a pinned read (If-Match on the ETag) of an object that has been overwritten since. */
export class PreconditionFailedError extends ObjectChangedError {
  public constructor(ref: VersionedRef, current: string) {
    super(ref);
    this.message = `s3://${ref.bucket}/${ref.key} is at version ${current}, not the pinned ${ref.version}`;
    this.name = 'PreconditionFailed';
  }
}

/** The version an object gets for these bytes: a content hash, like an S3 ETag of a single-part upload. */
export function contentVersion(body: string | Uint8Array): string {
  return createHash('md5').update(body).digest('hex');
}

/**
 * An in-memory ObjectStore for unit tests. Versions are content hashes (as the ETag of an
 * unversioned bucket); a read or copy pinned to a version fails with PreconditionFailedError when
 * the object no longer has that version, like S3's If-Match. Every call through the port is
 * recorded in `calls`; `put`/`get` are the test's own back door and are not recorded.
 */
export class InMemoryObjectStore implements ObjectStore {
  public readonly calls: StoreCall[] = [];
  private readonly objects = new Map<string, StoredObject>();
  private readonly listeners: ((call: StoreCall) => void)[] = [];

  /** @param chunkSize bytes per chunk of a `read` stream, to exercise streaming consumers. */
  public constructor(private readonly chunkSize = 64 * 1024) {}

  /** Seeds an object (not recorded as a call) and returns its version. */
  public put(bucket: string, key: string, body: string | Uint8Array, contentType?: string): string {
    const bytes = Buffer.from(body);
    const version = contentVersion(bytes);
    this.objects.set(id(bucket, key), { body: bytes, version, ...(contentType ? { contentType } : {}) });
    return version;
  }

  /** The bytes of an object, or undefined (not recorded as a call). */
  public get(bucket: string, key: string): Buffer | undefined {
    return this.objects.get(id(bucket, key))?.body;
  }

  /** The text of an object, or undefined (not recorded as a call). */
  public text(bucket: string, key: string): string | undefined {
    return this.get(bucket, key)?.toString('utf8');
  }

  public contentTypeOf(bucket: string, key: string): string | undefined {
    return this.objects.get(id(bucket, key))?.contentType;
  }

  /** Keys of a bucket under a prefix, sorted (not recorded as a call). */
  public keys(bucket: string, prefix = ''): string[] {
    return [...this.objects.keys()]
      .filter((k) => k.startsWith(`${bucket}/${prefix}`))
      .map((k) => k.slice(bucket.length + 1))
      .sort();
  }

  /** Calls `listener` after each port call was recorded and its outcome decided, before it returns. */
  public onCall(listener: (call: StoreCall) => void): void {
    this.listeners.push(listener);
  }

  public async head(ref: S3Ref): Promise<ObjectInfo | undefined> {
    const object = this.objects.get(id(ref.bucket, ref.key));
    this.record({ op: 'head', bucket: ref.bucket, key: ref.key });
    return object ? { key: ref.key, size: object.body.length, version: object.version } : undefined;
  }

  public async read(ref: VersionedRef): Promise<Readable> {
    const body = this.pinned(ref, 'read');
    const chunks: Buffer[] = [];
    for (let at = 0; at < body.length; at += this.chunkSize)
      chunks.push(body.subarray(at, at + this.chunkSize));
    return Readable.from(chunks);
  }

  public async readText(ref: VersionedRef): Promise<string> {
    return this.pinned(ref, 'readText').toString('utf8');
  }

  public async readRange(ref: VersionedRef, start: number, end: number): Promise<Uint8Array> {
    return new Uint8Array(this.pinned(ref, 'readRange').subarray(start, end));
  }

  public async write(ref: S3Ref, body: string | Uint8Array, contentType: string): Promise<void> {
    this.put(ref.bucket, ref.key, body, contentType);
    this.record({ op: 'write', bucket: ref.bucket, key: ref.key, contentType });
  }

  /** Tags are S3's quoted ETags of these bytes. */
  public async readTagged(ref: S3Ref): Promise<TaggedText | undefined> {
    const object = this.objects.get(id(ref.bucket, ref.key));
    this.record({ op: 'readTagged', bucket: ref.bucket, key: ref.key });
    return object ? { text: object.body.toString('utf8'), etag: `"${object.version}"` } : undefined;
  }

  public async writeIfUnchanged(
    ref: S3Ref,
    body: string,
    contentType: string,
    etag: string | null,
  ): Promise<boolean> {
    const object = this.objects.get(id(ref.bucket, ref.key));
    const written = writeConditionHolds(object && `"${object.version}"`, etag);
    if (written) this.put(ref.bucket, ref.key, body, contentType);
    this.record({
      op: 'writeIfUnchanged',
      bucket: ref.bucket,
      key: ref.key,
      version: etag ?? '',
      contentType,
      written,
    });
    return written;
  }

  /** The object appears only when `finish` completes, like a multipart upload. */
  public openWriter(ref: S3Ref, contentType: string): ObjectWriter {
    this.record({ op: 'openWriter', bucket: ref.bucket, key: ref.key, contentType });
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    return {
      stream,
      finish: async () => {
        stream.end();
        await finished(stream);
        const body = Buffer.concat(chunks);
        this.put(ref.bucket, ref.key, body, contentType);
        return { bytes: body.length };
      },
      abort: async () => {
        stream.destroy();
      },
    };
  }

  public async copy(from: VersionedRef, to: S3Ref): Promise<void> {
    const object = this.objects.get(id(from.bucket, from.key));
    this.record({
      op: 'copy',
      bucket: from.bucket,
      key: from.key,
      ...(from.version ? { version: from.version } : {}),
      to,
    });
    if (!object) throw new NoSuchKeyError(from);
    if (from.version && from.version !== object.version)
      throw new PreconditionFailedError(from, object.version);
    this.objects.set(id(to.bucket, to.key), object);
  }

  public async *list(bucket: string, prefix: string): AsyncIterable<ObjectInfo> {
    this.record({ op: 'list', bucket, key: prefix });
    for (const key of this.keys(bucket, prefix)) {
      const object = this.objects.get(id(bucket, key));
      if (object) yield { key, size: object.body.length, version: object.version };
    }
  }

  private pinned(ref: VersionedRef, op: 'read' | 'readText' | 'readRange'): Buffer {
    const object = this.objects.get(id(ref.bucket, ref.key));
    this.record({ op, bucket: ref.bucket, key: ref.key, ...(ref.version ? { version: ref.version } : {}) });
    if (!object) throw new NoSuchKeyError(ref);
    if (ref.version && ref.version !== object.version) throw new PreconditionFailedError(ref, object.version);
    return object.body;
  }

  private record(call: StoreCall): void {
    this.calls.push(call);
    for (const listener of this.listeners) listener(call);
  }
}

function id(bucket: string, key: string): string {
  return `${bucket}/${key}`;
}
