import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { SourceFormatError, type SourceSpec } from './record-source';

const LF = 0x0a;
const EMPTY = Buffer.alloc(0);

/**
 * Checks or converts the declared encoding so that what follows is valid UTF-8 bytes.
 *
 * A file declared UTF-8 with bytes that are not UTF-8 is refused as a whole (rule 'encoding',
 * with the first such line) rather than row by row: the cause is an export setting, and refusing
 * only the affected rows would quietly drop exactly the customers with accented names while
 * accepting the rest. Decoding with replacement characters is never an option: U+FFFD in curated
 * data is a name nobody can match any more.
 */
export function textEncodingStage(encoding: SourceSpec['encoding']): Transform {
  return encoding === 'latin1' ? new Latin1ToUtf8() : new Utf8Check();
}

/**
 * Bytes at the end of `bytes` that start a character the chunk does not finish. A UTF-8 character
 * is at most 4 bytes, so its lead byte is at most 3 bytes back.
 */
export function unfinishedTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

function countLineBreaks(bytes: Uint8Array): number {
  let count = 0;
  for (let at = bytes.indexOf(LF); at !== -1; at = bytes.indexOf(LF, at + 1)) count += 1;
  return count;
}

function notUtf8(line: number, cause: string): SourceFormatError {
  return new SourceFormatError(
    'encoding',
    `${cause} on line ${line}. If the file is Latin-1 (é saved as the single byte 0xE9), declare "encoding": "latin1" in the manifest; a file mixing UTF-8 and Latin-1 must be exported again in one encoding`,
    line,
  );
}

/** Passes UTF-8 bytes through unchanged, failing on the first line that holds bytes that are not UTF-8. */
class Utf8Check extends Transform {
  /** The physical line the next chunk starts on. */
  private line = 1;
  /** The start of a character split across chunks; never holds a line break. */
  private carry: Buffer = EMPTY;

  public override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const whole = data.subarray(0, data.length - unfinishedTail(data));
    if (!isUtf8(whole)) {
      done(notUtf8(this.line + this.lineOfFirstError(whole), 'the file is not valid UTF-8'));
      return;
    }
    this.carry = Buffer.from(data.subarray(whole.length));
    this.line += countLineBreaks(chunk);
    done(null, chunk);
  }

  public override _flush(done: TransformCallback): void {
    done(
      this.carry.length > 0 ? notUtf8(this.line, 'the file ends in the middle of a UTF-8 character') : null,
    );
  }

  /** Lines after the chunk's first that hold the first invalid byte: a line break always ends a character. */
  private lineOfFirstError(bytes: Buffer): number {
    let start = 0;
    for (let offset = 0; ; offset += 1) {
      const end = bytes.indexOf(LF, start);
      const line = bytes.subarray(start, end === -1 ? bytes.length : end + 1);
      if (!isUtf8(line) || end === -1) return offset;
      start = end + 1;
    }
  }
}

/**
 * Latin-1 as the WHATWG Encoding Standard (and every browser) reads it: windows-1252, whose
 * 0x80-0x9F are printable (€, curly quotes, dashes) where ISO-8859-1 has control codes. Node 20's
 * TextDecoder reads 'latin1' as plain ISO-8859-1, so the 32 differing bytes are mapped here.
 */
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1 = /[\u0080-\u009f]/g;

export function decodeLatin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(C1, (c) => WINDOWS_1252_C1.charAt(c.charCodeAt(0) - 0x80));
}

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/** Converts Latin-1 to UTF-8; one byte is one character, so chunks split anywhere. */
class Latin1ToUtf8 extends Transform {
  private first = true;

  public override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.first && UTF8_BOM.every((b, i) => chunk[i] === b)) {
      done(
        new SourceFormatError(
          'encoding',
          'the file starts with a UTF-8 byte order mark but the manifest says latin1; declare "encoding": "utf-8"',
          1,
        ),
      );
      return;
    }
    this.first = false;
    done(null, Buffer.from(decodeLatin1(chunk), 'utf8'));
  }
}
