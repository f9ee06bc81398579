import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SourceFormatError, type SourceSpec } from './record-source';
import { textEncodingStage } from './text-encoding';

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Hashes the raw bytes as stored (compressed bytes for gzip) on their way through, and refuses
 * undeclared gzip up front: parsing compressed bytes as text only yields a confusing syntax error.
 */
export class Sha256Tap extends Transform {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private firstByte: number | undefined;
  private result: { sha256: string; bytes: number } | undefined;

  public constructor(private readonly refuseGzip: boolean) {
    super();
  }

  public override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.refuseGzip && this.bytes < GZIP_MAGIC.length && this.looksGzipped(chunk)) {
      done(
        new SourceFormatError('gzip', 'the file is gzip-compressed but the manifest says compression none'),
      );
      return;
    }
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  public override _flush(done: TransformCallback): void {
    this.result = { sha256: this.hash.digest('hex'), bytes: this.bytes };
    done();
  }

  /** SHA-256 and size of every byte that passed; only once the stream has ended. */
  public digest(): { sha256: string; bytes: number } {
    if (!this.result) throw new Error('the digest is known only after every record was read');
    return this.result;
  }

  // The two magic bytes may arrive in separate chunks.
  private looksGzipped(chunk: Buffer): boolean {
    const first = this.bytes === 0 ? chunk[0] : this.firstByte;
    const second = this.bytes === 0 ? chunk[1] : chunk[0];
    if (this.bytes === 0) this.firstByte = first;
    return first === GZIP_MAGIC[0] && second === GZIP_MAGIC[1];
  }
}

/** Fails once more than `cap` bytes have passed: a decompression bomb stops early. */
export class ByteCap extends Transform {
  private seen = 0;

  public constructor(private readonly cap: number) {
    super();
  }

  public override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.cap) {
      done(
        new SourceFormatError(
          'decompressed_size',
          `expands past the limit of ${this.cap} bytes when decompressed`,
        ),
      );
      return;
    }
    done(null, chunk);
  }
}

/**
 * The stages between the raw object and a text parser: gunzip with its cap where declared, then
 * the declared encoding checked or converted, so parsers always see valid UTF-8.
 */
export function textStages(spec: SourceSpec): Transform[] {
  const stages: Transform[] = [];
  if (spec.compression === 'gzip') stages.push(createGunzip(), new ByteCap(spec.maxDecompressedBytes));
  stages.push(textEncodingStage(spec.encoding));
  return stages;
}

/** A zlib failure (bad header, truncated stream) is a file that is not the gzip it claims to be. */
export function asSourceError(error: unknown): unknown {
  if (error instanceof SourceFormatError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === 'string' && code.startsWith('Z_')) {
    return new SourceFormatError('gzip', `is not a valid gzip file: ${error.message}`, undefined, {
      cause: error,
    });
  }
  return error;
}
