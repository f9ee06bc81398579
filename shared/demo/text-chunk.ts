import { type Cell, csvLine } from './csv-writer';

/** One file's rows for one shard of customers, as encoded bytes that can be moved between threads. */
export interface EncodedChunk {
  readonly bytes: Uint8Array;
  readonly lines: number;
}

// Text is moved into bytes in small pieces: a shard's text held as one long string would be a
// rope of millions of short-lived pieces kept alive, which the garbage collector pays for.
const SPILL_AT = 16 * 1024;
const MAX_UTF8_BYTES_PER_CHAR = 3;

/** Builds one file's text for one shard; counts its lines so planted rows can be located. */
export class TextChunk {
  private text = '';
  private count = 0;
  // Its own ArrayBuffer (never a slice of Node's shared pool), so it can be transferred.
  private buffer = Buffer.allocUnsafeSlow(64 * 1024);
  private used = 0;

  /** Lines so far: the 0-based index the next line will get within the chunk. */
  get lines(): number {
    return this.count;
  }

  line(text: string): void {
    this.text += `${text}\n`;
    this.count++;
    if (this.text.length >= SPILL_AT) this.spill();
  }

  row(cells: readonly Cell[]): void {
    this.line(csvLine(cells));
  }

  /** The text as UTF-8; the chunk must not be used afterwards. */
  encode(): EncodedChunk {
    this.spill();
    return { bytes: new Uint8Array(this.buffer.buffer, 0, this.used), lines: this.count };
  }

  private spill(): void {
    const worst = this.used + this.text.length * MAX_UTF8_BYTES_PER_CHAR;
    if (worst > this.buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(worst, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.used);
      this.buffer = grown;
    }
    this.used += this.buffer.write(this.text, this.used);
    this.text = '';
  }
}
