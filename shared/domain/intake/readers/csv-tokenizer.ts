import { SourceFormatError } from './record-source';

/**
 * Splits CSV text into records, chunk by chunk, in the dialect partners actually send: RFC 4180
 * quoting ("" inside quotes is a quote, quoted fields may hold delimiters and line breaks), LF or
 * CRLF line ends (or CR alone, as old Mac exports have it), a leading byte order mark, empty lines
 * skipped but counted, and leniency where a strict parser would reject the whole file: a quote
 * inside an unquoted field is data (5" screen), and text after a closing quote makes the field
 * literal ("Ann"x). With delimiter 'whitespace', runs of spaces and tabs separate fields and
 * blank lines are skipped.
 *
 * Why not a library: csv-parse reads about 190,000 records a second here, a tenth of what this
 * does with the same semantics, and intake must pass 500,000 lines a second. A property test runs
 * both over generated CSV and requires the same records (test/unit/intake/readers).
 */

export interface CsvTokenizerOptions {
  /** One character, or 'whitespace' for runs of spaces and tabs. */
  readonly delimiter: string;
  /** A record longer than this many characters fails the file: it is most likely not CSV. */
  readonly maxRecordChars: number;
}

/** The records completed by one chunk: fields and the 1-based line each starts on, side by side. */
export interface TokenizedRecords {
  readonly fields: string[][];
  readonly lines: number[];
}

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

function tooLong(line: number, maxChars: number): SourceFormatError {
  return new SourceFormatError(
    'record_too_long',
    `the record starting on line ${line} is longer than the limit of ${maxChars} characters; is a quote not closed, or are line breaks missing?`,
    line,
  );
}

/** What the slow path found at a record: its fields and where the next record starts, or a need for more text. */
interface Parsed {
  readonly fields: string[];
  readonly next: number;
  /** Line breaks inside the record (quoted), not counting the one that ends it. */
  readonly breaks: number;
}

export class CsvTokenizer {
  private pending = '';
  /** The line the pending text starts on. */
  private line = 1;
  private started = false;
  /** CR alone ends lines; decided from the first line break seen. */
  private crOnly: boolean | undefined;
  private readonly whitespace: boolean;
  private readonly delimiter: string;
  private readonly delimiterCode: number;

  constructor(private readonly options: CsvTokenizerOptions) {
    this.whitespace = options.delimiter === 'whitespace';
    this.delimiter = this.whitespace ? ' ' : options.delimiter;
    this.delimiterCode = this.delimiter.charCodeAt(0);
    if (!this.whitespace && this.delimiter.length !== 1)
      throw new Error(`a CSV delimiter is one character, got ${JSON.stringify(options.delimiter)}`);
  }

  /** Adds text; returns every record it completes. */
  push(chunk: string): TokenizedRecords {
    let text = this.pending + chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return this.consume(text, false);
  }

  /** Ends the text: the last record may lack a line break; an open quote fails the file. */
  end(): TokenizedRecords {
    const text = this.pending;
    this.pending = '';
    return this.consume(text, true);
  }

  private consume(text: string, final: boolean): TokenizedRecords {
    const out: TokenizedRecords = { fields: [], lines: [] };
    if (this.crOnly === undefined) this.detectLineEnds(text, final);
    const nl = this.crOnly ? '\r' : '\n';
    const max = this.options.maxRecordChars;
    let pos = 0;
    let quoteAt = -2; // next quote at or after pos; -1 none; -2 not searched yet
    while (pos < text.length) {
      let end = text.indexOf(nl, pos);
      if (end === -1) {
        if (!final) break;
        end = text.length;
      }
      if (quoteAt !== -1 && quoteAt < pos) quoteAt = text.indexOf('"', pos);
      if (quoteAt === -1 || quoteAt >= end) {
        // No quote before the line ends: the record is this line.
        let stop = end;
        if (!this.crOnly && stop > pos && text.charCodeAt(stop - 1) === CR) stop -= 1;
        if (end - pos > max) throw tooLong(this.line, max);
        if (stop > pos) {
          const fields = this.whitespace ? this.splitBlanks(text, pos, stop) : this.split(text, pos, stop);
          if (fields) {
            out.fields.push(fields);
            out.lines.push(this.line);
          }
        }
        this.line += 1;
        pos = end + 1;
        continue;
      }
      const parsed = this.parseQuoted(text, pos, final);
      if (!parsed) {
        if (text.length - pos > max) throw tooLong(this.line, max);
        break;
      }
      if (parsed.next - pos > max + 1) throw tooLong(this.line, max);
      if (parsed.fields.length > 0) {
        out.fields.push(parsed.fields);
        out.lines.push(this.line);
      }
      this.line += parsed.breaks + 1;
      pos = parsed.next;
    }
    this.pending = pos < text.length ? text.slice(pos) : '';
    if (this.pending.length > max) throw tooLong(this.line, max);
    return out;
  }

  private detectLineEnds(text: string, final: boolean): void {
    const cr = text.indexOf('\r');
    const lf = text.indexOf('\n');
    if (cr === -1 && lf === -1) {
      if (final) this.crOnly = false;
      return;
    }
    if (cr !== -1 && (lf === -1 || cr < lf) && cr + 1 === text.length && !final) return; // CR LF split across chunks
    this.crOnly = cr !== -1 && (lf === -1 || cr < lf) && text.charCodeAt(cr + 1) !== LF;
  }

  /** Splits a line without quotes on the delimiter. */
  private split(text: string, start: number, stop: number): string[] {
    const fields: string[] = [];
    let from = start;
    for (;;) {
      const at = text.indexOf(this.delimiter, from);
      if (at === -1 || at >= stop) {
        fields.push(text.slice(from, stop));
        return fields;
      }
      fields.push(text.slice(from, at));
      from = at + 1;
    }
  }

  /** Splits a line without quotes on runs of blanks; a line of blanks is no record. */
  private splitBlanks(text: string, start: number, stop: number): string[] | undefined {
    const fields: string[] = [];
    let i = start;
    for (;;) {
      while (i < stop && isBlank(text.charCodeAt(i))) i += 1;
      if (i >= stop) return fields.length > 0 ? fields : undefined;
      const from = i;
      while (i < stop && !isBlank(text.charCodeAt(i))) i += 1;
      fields.push(text.slice(from, i));
    }
  }

  /**
   * Reads one record that holds a quote, character by character, from `start`. Undefined when the
   * text ends inside the record and more may come.
   */
  private parseQuoted(text: string, start: number, final: boolean): Parsed | undefined {
    const fields: string[] = [];
    const n = text.length;
    const nlCode = this.crOnly ? CR : LF;
    const ws = this.whitespace;
    let i = start;
    let breaks = 0;
    if (ws) while (i < n && isBlank(text.charCodeAt(i))) i += 1;
    for (;;) {
      // At the start of a field.
      if (i < n && text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = i + 1;
        let j = from;
        let fieldBreaks = 0;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1) {
            if (!final) return undefined;
            throw new SourceFormatError(
              'unterminated_quote',
              `a quoted field opened on line ${this.line + breaks} is never closed`,
              this.line + breaks,
            );
          }
          fieldBreaks += countBreaks(text, j, q, nlCode);
          if (q + 1 < n && text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1);
            from = q + 2;
            j = q + 2;
            continue;
          }
          if (q + 1 >= n && !final) return undefined;
          value += text.slice(from, q);
          j = q + 1;
          break;
        }
        const after = j < n ? text.charCodeAt(j) : -1;
        if (this.endsField(text, j, after, final)) {
          fields.push(value);
          breaks += fieldBreaks;
          i = j;
        } else {
          // Text after the closing quote: the field is literal, quotes and all, up to its delimiter.
          const stop = this.fieldEnd(text, i);
          if (stop === -1) {
            if (!final) return undefined;
            fields.push(text.slice(i));
            return { fields, next: n, breaks };
          }
          fields.push(text.slice(i, stop));
          i = stop;
        }
      } else {
        const stop = this.fieldEnd(text, i);
        if (stop === -1) {
          if (!final) return undefined;
          fields.push(trimCr(text.slice(i), this.crOnly === true));
          return { fields, next: n, breaks };
        }
        fields.push(trimCr(text.slice(i, stop), this.crOnly === true));
        i = stop;
      }
      // After a field: a delimiter, a line end or the end of the text.
      if (ws) while (i < n && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i += 1;
      if (i >= n) {
        if (!final) return undefined;
        return { fields, next: n, breaks };
      }
      const c = text.charCodeAt(i);
      if (c === nlCode) return { fields, next: i + 1, breaks };
      if (c === CR && !this.crOnly) {
        if (i + 1 >= n && !final) return undefined;
        if (i + 1 >= n || text.charCodeAt(i + 1) === LF) return { fields, next: Math.min(n, i + 2), breaks };
      }
      if (!ws && c === this.delimiterCode) i += 1;
      else if (ws) {
        /* blanks already skipped: the next field starts here */
      } else i += 1;
    }
  }

  /** Whether position j (after a closing quote) ends the field. */
  private endsField(text: string, j: number, after: number, final: boolean): boolean {
    if (after === -1) return final || j >= text.length;
    if (this.whitespace ? isBlank(after) : after === this.delimiterCode) return true;
    if (after === (this.crOnly ? CR : LF)) return true;
    return !this.crOnly && after === CR && (j + 1 >= text.length || text.charCodeAt(j + 1) === LF);
  }

  /** Where an unquoted field starting at i ends (its delimiter or line end), or -1 at the end of the text. */
  private fieldEnd(text: string, i: number): number {
    const nlCode = this.crOnly ? CR : LF;
    for (let k = i; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c === nlCode) return !this.crOnly && k > i && text.charCodeAt(k - 1) === CR ? k - 1 : k;
      if (this.whitespace ? isBlank(c) : c === this.delimiterCode) return k;
    }
    return -1;
  }
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

function trimCr(value: string, crOnly: boolean): string {
  return !crOnly && value.endsWith('\r') ? value.slice(0, -1) : value;
}

/** Line breaks in text[from, to): each LF (or each CR, in CR-only text) is one. */
function countBreaks(text: string, from: number, to: number, nlCode: number): number {
  let count = 0;
  const nl = String.fromCharCode(nlCode);
  for (let at = text.indexOf(nl, from); at !== -1 && at < to; at = text.indexOf(nl, at + 1)) count += 1;
  return count;
}
