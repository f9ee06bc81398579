import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { LakeTableLocation } from './athena-types';

/** One S3 object copied to the local cache. */
export interface MirroredFile {
  key: string;
  etag: string;
  size: number;
  path: string;
  /** Value of the table's partition key taken from the key, when the key has one. */
  partition?: string;
}

const DOWNLOAD_CONCURRENCY = 4;

/**
 * Keeps a local copy of every table's Parquet objects, because DuckDB cannot read s3:// offline
 * (no httpfs). Each refresh lists the prefix again, downloads only objects whose ETag or size
 * changed, and deletes local files whose object is gone, so the copy equals S3 after a refresh.
 */
export class LakeMirror {
  private readonly files = new Map<string, Map<string, MirroredFile>>();
  private readonly cleared = new Set<string>();

  constructor(
    private readonly s3: S3Client,
    private readonly tables: readonly LakeTableLocation[],
    private readonly rootDir: string,
  ) {}

  /** Local directory mirroring the table's prefix. */
  /** The directory every mirrored file is under. */
  get root(): string {
    return this.rootDir;
  }

  tableDir(table: LakeTableLocation): string {
    return join(this.rootDir, table.bucket, ...safeSegments(table.prefix));
  }

  /** Files of the table as of the last refresh, sorted by key. */
  filesOf(table: LakeTableLocation): MirroredFile[] {
    const files = [...(this.files.get(table.name)?.values() ?? [])];
    return files.sort((a, b) => a.key.localeCompare(b.key));
  }

  /** Brings every table's local copy up to date with S3. */
  async refresh(): Promise<void> {
    for (const table of this.tables) await this.refreshTable(table);
  }

  private async refreshTable(table: LakeTableLocation): Promise<void> {
    if (!this.cleared.has(table.name)) {
      // Files left by an earlier process are not in the ETag map: start from an empty copy.
      await rm(this.tableDir(table), { recursive: true, force: true });
      this.cleared.add(table.name);
    }
    const known = this.files.get(table.name) ?? new Map<string, MirroredFile>();
    const listed = await this.list(table);
    const stale = [...known.values()].filter((file) => !listed.has(file.key));
    for (const file of stale) {
      await rm(file.path, { force: true });
      known.delete(file.key);
    }
    const changed: MirroredFile[] = [];
    for (const file of listed.values()) {
      const previous = known.get(file.key);
      const unchanged = previous?.etag === file.etag && previous.size === file.size;
      if (!unchanged || !(await exists(file.path))) changed.push(file);
    }
    await runPool(changed, DOWNLOAD_CONCURRENCY, async (file) => {
      await this.download(table.bucket, file);
      known.set(file.key, file);
    });
    this.files.set(table.name, known);
  }

  private async list(table: LakeTableLocation): Promise<Map<string, MirroredFile>> {
    const listed = new Map<string, MirroredFile>();
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: table.bucket, Prefix: table.prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (key === undefined || !isDataFile(key)) continue;
        listed.set(key, {
          key,
          etag: object.ETag ?? '',
          size: object.Size ?? 0,
          path: join(this.rootDir, table.bucket, ...safeSegments(key)),
          partition: partitionValue(key.slice(table.prefix.length), table.partitionKey),
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return listed;
  }

  private async download(bucket: string, file: MirroredFile): Promise<void> {
    const response = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: file.key }));
    if (!(response.Body instanceof Readable)) throw new Error(`s3://${bucket}/${file.key} has no body`);
    await mkdir(dirname(file.path), { recursive: true });
    // Written aside and renamed, so a query never reads a half-written Parquet file.
    const partial = `${file.path}.partial`;
    await pipeline(response.Body, createWriteStream(partial));
    await rename(partial, file.path);
  }
}

/**
 * Parquet data files only. Like Athena, names starting with `_` or `.` (e.g. `_SUCCESS`) are
 * skipped; other non-Parquet objects are skipped too, because the views glob `*.parquet`.
 */
function isDataFile(key: string): boolean {
  const base = key.slice(key.lastIndexOf('/') + 1);
  return base.endsWith('.parquet') && !base.startsWith('_') && !base.startsWith('.');
}

/** Path segments of a key, refusing the ones that would escape the cache directory. */
function safeSegments(key: string): string[] {
  const segments = key.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    throw new Error(`S3 key ${key} cannot be mirrored to a local path`);
  }
  return segments;
}

/** The `<partitionKey>=<value>` directory of a key relative to its table prefix. */
function partitionValue(relativeKey: string, partitionKey: string): string | undefined {
  const segment = relativeKey.split('/').find((part) => part.startsWith(`${partitionKey}=`));
  if (segment === undefined) return undefined;
  const raw = segment.slice(partitionKey.length + 1);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function runPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
