import { StringDecoder } from 'node:string_decoder';
import { SourceFormatError } from './record-source';

export interface TextLine {
  /** 1-based physical line. */
  readonly line: number;
  /** The line without its break (LF or CRLF). */
  readonly text: string;
}

function tooLong(line: number, maxChars: number): SourceFormatError {
  return new SourceFormatError(
    'record_too_long',
    `line ${line} is longer than the limit of ${maxChars} characters; is the file missing its line breaks?`,
    line,
  );
}

/**
 * Splits UTF-8 bytes into lines, dropping a leading byte order mark. A line longer than
 * `maxChars` fails as soon as it is that long, so a file without line breaks is never held whole.
 */
export async function* textLines(bytes: AsyncIterable<Buffer>, maxChars: number): AsyncGenerator<TextLine> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 1;
  let started = false;
  const finish = (text: string): TextLine => ({ line, text: text.endsWith('\r') ? text.slice(0, -1) : text });
  for await (const chunk of bytes) {
    let text = decoder.write(chunk);
    if (!started && text.length > 0) {
      started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    let start = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', start)) {
      const whole = pending + text.slice(start, at);
      pending = '';
      if (whole.length > maxChars) throw tooLong(line, maxChars);
      yield finish(whole);
      line += 1;
      start = at + 1;
    }
    pending += text.slice(start);
    if (pending.length > maxChars) throw tooLong(line, maxChars);
  }
  pending += decoder.end();
  if (pending.length > 0) yield finish(pending);
}
