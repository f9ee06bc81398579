import { Readable } from 'node:stream';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { SourceInput } from '#shared/domain/intake/readers/open-record-source';

type WriteOptions = Parameters<typeof parquetWriteBuffer>[0];

/** Parquet bytes written by hyparquet-writer, as a partner's tool would hand them over. */
export function parquetBytes(options: WriteOptions): Buffer {
  return Buffer.from(parquetWriteBuffer(options));
}

export interface RecordingInput extends SourceInput {
  /** Every ranged read, [start, end). */
  readonly ranges: [number, number][];
  /** How many times the whole object was streamed. */
  readonly streams: () => number;
}

/** A SourceInput over bytes in memory that records how it is read. */
export function recordingInput(bytes: Uint8Array, chunk = 1024): RecordingInput {
  const ranges: [number, number][] = [];
  let streams = 0;
  return {
    size: bytes.length,
    ranges,
    streams: () => streams,
    async stream() {
      streams += 1;
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += chunk)
        chunks.push(Buffer.from(bytes.subarray(at, at + chunk)));
      return Readable.from(chunks);
    },
    async readRange(start, end) {
      ranges.push([start, end]);
      // A view on a larger buffer, as a pooled network read would be.
      const padded = new Uint8Array(end - start + 16);
      padded.set(bytes.subarray(start, end), 8);
      return padded.subarray(8, 8 + end - start);
    },
  };
}
