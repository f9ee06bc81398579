import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { SourceFormatError } from '#shared/domain/intake/readers/record-source';
import { decodeLatin1, textEncodingStage, unfinishedTail } from '#shared/domain/intake/readers/text-encoding';

/** The line the UTF-8 check refuses the bytes on when they arrive in chunks of `chunk`, or 'valid'. */
async function refusedLine(bytes: Buffer, chunk: number): Promise<number | 'valid'> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunk) chunks.push(bytes.subarray(at, at + chunk));
  try {
    await pipeline(Readable.from(chunks), textEncodingStage('utf-8'), async (out: AsyncIterable<Buffer>) => {
      for await (const _ of out);
    });
    return 'valid';
  } catch (error) {
    if (!(error instanceof SourceFormatError)) throw error;
    return error.line ?? 0;
  }
}

/** Reference: a strict streaming decoder fed byte by byte fails at the first byte that cannot be UTF-8. */
function referenceLine(bytes: Buffer): number | 'valid' {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  for (const byte of bytes) {
    try {
      decoder.decode(Uint8Array.of(byte), { stream: true });
    } catch {
      return line;
    }
    if (byte === 0x0a) line += 1;
  }
  try {
    decoder.decode();
  } catch {
    return line;
  }
  return 'valid';
}

describe('unfinishedTail', () => {
  it('counts the bytes of a character the chunk does not finish', () => {
    const euro = [...Buffer.from('€')]; // E2 82 AC
    const emoji = [...Buffer.from('😀')]; // F0 9F 98 80
    expect(unfinishedTail(Buffer.from('abc'))).toBe(0);
    expect(unfinishedTail(Buffer.from([0x61, ...euro]))).toBe(0);
    expect(unfinishedTail(Buffer.from([0x61, ...euro.slice(0, 1)]))).toBe(1);
    expect(unfinishedTail(Buffer.from([0x61, ...euro.slice(0, 2)]))).toBe(2);
    expect(unfinishedTail(Buffer.from(emoji.slice(0, 3)))).toBe(3);
    expect(unfinishedTail(Buffer.from(emoji))).toBe(0);
    expect(unfinishedTail(Buffer.from([]))).toBe(0);
  });

  it('leaves bytes that cannot start a character to the validity check', () => {
    // A lone Latin-1 é (0xE9) at the end looks like the start of a 3-byte character: it waits for more.
    expect(unfinishedTail(Buffer.from([0x63, 0xe9]))).toBe(1);
    // Continuation bytes without a lead byte within reach are not held back.
    expect(unfinishedTail(Buffer.from([0x80, 0x80, 0x80, 0x80]))).toBe(0);
  });
});

describe('decodeLatin1', () => {
  it('reads every byte as one character, 0x80-0x9F as windows-1252', () => {
    expect(decodeLatin1(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toBe('café');
    expect(decodeLatin1(Buffer.from([0x80, 0x8a, 0x91, 0x92, 0x9f, 0xa0, 0xff]))).toBe('€Š‘’Ÿ\u00a0ÿ');
    // The five bytes windows-1252 leaves undefined keep their code points, as the WHATWG standard says.
    expect(decodeLatin1(Buffer.from([0x81, 0x8d, 0x8f, 0x90, 0x9d]))).toBe('\u0081\u008d\u008f\u0090\u009d');
  });

  it('reads a view on a larger buffer from its own offset', () => {
    const whole = Buffer.from([0x41, 0xe9, 0x42]);
    expect(decodeLatin1(whole.subarray(1, 2))).toBe('é');
  });
});

describe('the UTF-8 check', () => {
  it('refuses on the same line as a strict byte-by-byte decoder, however the bytes are chunked', async () => {
    const samples = [
      Buffer.from('a\nb\nc\n'),
      Buffer.from('é\n😀\n€\n'),
      Buffer.from([...Buffer.from('ab\ncd\n'), 0xe9, 0x0a, 0x41]),
      Buffer.from([...Buffer.from('ab\n'), 0xe2, 0x82, 0x0a, 0x41]),
      Buffer.from([...Buffer.from('x\ny\n'), 0xf0, 0x9f, 0x98]),
      Buffer.from([0x0a, 0x0a, 0xc3, 0xa9, 0x0a, 0xc3, 0x28, 0x0a]),
      Buffer.from([0x0a, 0xed, 0xa0, 0x80, 0x0a]),
    ];
    // And lines of mostly-text with a stray high byte here and there.
    let x = 11;
    for (let n = 0; n < 20; n++) {
      const bytes = Buffer.alloc(200);
      for (let i = 0; i < bytes.length; i++) {
        x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
        const r = (x >>> 16) & 0xff;
        bytes[i] = r < 20 ? 0x0a : r < 235 ? 0x61 : r;
      }
      samples.push(bytes);
    }
    for (const [i, bytes] of samples.entries()) {
      const expected = referenceLine(bytes);
      for (const chunk of [1, 2, 3, 7, 64, 1000]) {
        expect(await refusedLine(bytes, chunk), `sample ${i} in chunks of ${chunk}`).toBe(expected);
      }
    }
    expect(samples.filter((b) => referenceLine(b) === 'valid').length).toBeGreaterThan(1);
    expect(samples.filter((b) => referenceLine(b) !== 'valid').length).toBeGreaterThan(10);
  });
});
