import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { copyFile, open, readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Ref } from '../../shared/domain/runs/run-state';
import {
  type ObjectInfo,
  ObjectNotFoundError,
  type ObjectStore,
  type ObjectWriter,
  type TaggedText,
  type VersionedRef,
  writeConditionHolds,
} from '../../shared/ports/object-store';

/**
 * The ObjectStore port over a local directory (a bucket is a sub-directory), for benchmarks:
 * objects stream from and to disk, so a benchmark's memory figure is the code's, not the store's.
 * Versions are not kept; a pinned read is not checked.
 */
export class FsObjectStore implements ObjectStore {
  public constructor(private readonly root: string) {}

  private path(ref: S3Ref): string {
    return join(this.root, ref.bucket, ref.key);
  }

  public async head(ref: S3Ref): Promise<ObjectInfo | undefined> {
    try {
      const stat = statSync(this.path(ref));
      return {
        key: ref.key,
        size: stat.size,
        version: `${stat.size}-${stat.mtimeMs}`,
        lastModified: stat.mtime,
      };
    } catch {
      return undefined;
    }
  }

  public async read(ref: VersionedRef): Promise<Readable> {
    return createReadStream(this.path(ref), { highWaterMark: 1 << 20 });
  }

  public async readText(ref: VersionedRef): Promise<string> {
    try {
      return await readFile(this.path(ref), 'utf8');
    } catch (error) {
      // As S3 does: a missing key is the port's not-found error, which callers may expect.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new ObjectNotFoundError(ref, { cause: error });
      throw error;
    }
  }

  public async readRange(ref: VersionedRef, start: number, end: number): Promise<Uint8Array> {
    const handle = await open(this.path(ref), 'r');
    try {
      const buffer = Buffer.alloc(Math.max(0, end - start));
      await handle.read(buffer, 0, buffer.length, start);
      return buffer;
    } finally {
      await handle.close();
    }
  }

  public async write(ref: S3Ref, body: string | Uint8Array, _contentType: string): Promise<void> {
    mkdirSync(dirname(this.path(ref)), { recursive: true });
    writeFileSync(this.path(ref), body);
  }

  /** Tags are the MD5 of the bytes, quoted, as S3's ETag of a single-part upload. */
  public async readTagged(ref: S3Ref): Promise<TaggedText | undefined> {
    try {
      const bytes = await readFile(this.path(ref));
      return { text: bytes.toString('utf8'), etag: `"${createHash('md5').update(bytes).digest('hex')}"` };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Checked, then written: not atomic across processes, which a benchmark's one process never needs. */
  public async writeIfUnchanged(
    ref: S3Ref,
    body: string,
    contentType: string,
    etag: string | null,
  ): Promise<boolean> {
    const current = await this.readTagged(ref);
    if (!writeConditionHolds(current?.etag, etag)) return false;
    await this.write(ref, body, contentType);
    return true;
  }

  public openWriter(ref: S3Ref, _contentType: string): ObjectWriter {
    mkdirSync(dirname(this.path(ref)), { recursive: true });
    const stream = new PassThrough();
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    const done = pipeline(stream, createWriteStream(this.path(ref)));
    return {
      stream,
      finish: async () => {
        stream.end();
        await done;
        return { bytes };
      },
      abort: async () => {
        stream.destroy();
        await done.catch(() => undefined);
      },
    };
  }

  public async copy(from: VersionedRef, to: S3Ref): Promise<void> {
    mkdirSync(dirname(this.path(to)), { recursive: true });
    await copyFile(this.path(from), this.path(to));
  }

  public async *list(bucket: string, prefix: string): AsyncIterable<ObjectInfo> {
    const base = join(this.root, bucket);
    const walk = async function* (dir: string): AsyncIterable<string> {
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) yield* walk(path);
        else yield path;
      }
    };
    for await (const path of walk(base)) {
      const key = relative(base, path);
      if (!key.startsWith(prefix)) continue;
      const stat = statSync(path);
      yield { key, size: stat.size, version: `${stat.size}-${stat.mtimeMs}`, lastModified: stat.mtime };
    }
  }
}
