import type { Readable } from 'node:stream';
import type { S3Ref } from '../domain/runs/run-state';

/** A pinned read found different bytes: the object was overwritten after the run started. */
export class ObjectChangedError extends Error {
  public constructor(ref: S3Ref, options?: ErrorOptions) {
    super(`s3://${ref.bucket}/${ref.key} changed after it was pinned`, options);
    this.name = 'ObjectChangedError';
  }
}

export class ObjectNotFoundError extends Error {
  public constructor(ref: S3Ref, options?: ErrorOptions) {
    super(`s3://${ref.bucket}/${ref.key} does not exist`, options);
    this.name = 'ObjectNotFoundError';
  }
}

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  /** Version id where the bucket is versioned, else the ETag: what identifies these exact bytes. */
  readonly version: string;
  readonly lastModified?: Date;
}

/** A pinned read: the version a run started with, so a mid-run overwrite is never read. */
export interface VersionedRef extends S3Ref {
  readonly version?: string;
}

/** Streams bytes into an object; `finish` completes the upload and returns what was written. */
export interface ObjectWriter {
  readonly stream: NodeJS.WritableStream;
  finish(): Promise<{ bytes: number }>;
  abort(): Promise<void>;
}

/** An object's text with its entity tag, the tag a conditional write compares against. */
export interface TaggedText {
  readonly text: string;
  readonly etag: string;
}

export interface ObjectStore {
  head(ref: S3Ref): Promise<ObjectInfo | undefined>;
  /** Throws ObjectNotFoundError, or ObjectChangedError when the pinned version is gone. */
  read(ref: VersionedRef): Promise<Readable>;
  readText(ref: VersionedRef): Promise<string>;
  /** Bytes [start, end) of a pinned object, for formats read from the end, such as Parquet. */
  readRange(ref: VersionedRef, start: number, end: number): Promise<Uint8Array>;
  write(ref: S3Ref, body: string | Uint8Array, contentType: string): Promise<void>;
  /** The object's text and entity tag, or undefined when there is no such object. */
  readTagged(ref: S3Ref): Promise<TaggedText | undefined>;
  /**
   * Writes only if the object is still as it was read: its entity tag then, or `null` for "there
   * was none" (S3's If-Match / If-None-Match). Returns false, writing nothing, when another writer
   * got there first.
   */
  writeIfUnchanged(ref: S3Ref, body: string, contentType: string, etag: string | null): Promise<boolean>;
  openWriter(ref: S3Ref, contentType: string): ObjectWriter;
  copy(from: VersionedRef, to: S3Ref): Promise<void>;
  list(bucket: string, prefix: string): AsyncIterable<ObjectInfo>;
}

/**
 * S3's rule for a conditional write, for stores that check it themselves: with `expected` null
 * (If-None-Match: *) only where there is no object, else (If-Match) only where the object's entity
 * tag is still `expected`.
 */
export function writeConditionHolds(currentEtag: string | undefined, expected: string | null): boolean {
  return expected === null ? currentEtag === undefined : currentEtag === expected;
}
