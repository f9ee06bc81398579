import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvTokenizer } from '#shared/domain/intake/readers/csv-tokenizer';
import { SourceFormatError } from '#shared/domain/intake/readers/record-source';

/** Tokenizes text fed in chunks of the given sizes (cycled); 0 means one chunk. */
function tokenize(text: string, chunk = 0, delimiter = ',', maxRecordChars = 1 << 20) {
  const tokenizer = new CsvTokenizer({ delimiter, maxRecordChars });
  const fields: string[][] = [];
  const lines: number[] = [];
  const take = (r: { fields: string[][]; lines: number[] }) => {
    fields.push(...r.fields);
    lines.push(...r.lines);
  };
  if (chunk <= 0) take(tokenizer.push(text));
  else for (let at = 0; at < text.length; at += chunk) take(tokenizer.push(text.slice(at, at + chunk)));
  take(tokenizer.end());
  return { fields, lines };
}

/** A small seeded generator, so a failing case can be replayed. */
function dice(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

const PIECES = ['a', 'b', '1', ' ', 'é', '€', ',', ';', '"', '\n', '\r\n', '\t', '=SUM(A1)', 'x"y'];

/** A well-formed CSV text with its records and the line each starts on, from a seed. */
function generated(seed: number, delimiter: string, eol: string) {
  const roll = dice(seed);
  const records: string[][] = [];
  const starts: number[] = [];
  let text = '';
  let line = 1;
  const rows = 1 + roll(12);
  const width = 1 + roll(5);
  for (let r = 0; r < rows; r++) {
    if (roll(6) === 0) {
      text += eol; // an empty line: skipped, counted
      line += 1;
    }
    const fields: string[] = [];
    const cells: string[] = [];
    for (let f = 0; f < width; f++) {
      let value = '';
      for (let k = roll(5); k > 0; k--) value += PIECES[roll(PIECES.length)];
      const special = value.includes(delimiter) || /["\r\n]/.test(value) || value === '';
      const quoted = special && (value !== '' || roll(2) === 0);
      if (quoted || roll(8) === 0) {
        cells.push(`"${value.replaceAll('"', '""')}"`);
        line += (value.match(/\r\n|\n/g) ?? []).length;
      } else cells.push(value);
      fields.push(value);
    }
    const lineOfRecord = line - (cells.join('').match(/\r\n|\n/g) ?? []).length;
    // A record of one empty field is an empty line: csv-parse and this tokenizer both skip it.
    if (!(fields.length === 1 && cells[0] === '')) {
      records.push(fields);
      starts.push(lineOfRecord);
    }
    text += cells.join(delimiter);
    if (r < rows - 1 || roll(2) === 0) {
      text += eol;
      line += 1;
    }
  }
  return { text, records, starts };
}

describe('CsvTokenizer against csv-parse on generated CSV', () => {
  it('reads 600 generated files to the same records as csv-parse, and the lines they start on, however chunked', () => {
    for (let seed = 1; seed <= 600; seed++) {
      const delimiter = [',', ';', '\t', '|'][seed % 4] as string;
      const eol = seed % 3 === 0 ? '\r\n' : '\n';
      const { text, records, starts } = generated(seed, delimiter, eol);
      const oracle = parse(text, {
        delimiter,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
      }) as string[][];
      expect(oracle, `csv-parse on seed ${seed}`).toEqual(records);
      for (const chunk of [0, 1, 2, 7, 64]) {
        const read = tokenize(text, chunk, delimiter);
        expect(read.fields, `seed ${seed}, chunks of ${chunk}`).toEqual(records);
        expect(read.lines, `seed ${seed}, chunks of ${chunk}`).toEqual(starts);
      }
    }
  });

  it('agrees with csv-parse on the lenient cases: stray quotes and text after a closing quote', () => {
    for (const text of ['a,5" screen,b\n', 'x,"Ann"x\n', 'p,q"r"s,"t"\n', '"a""b",c""\n']) {
      const oracle = parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: true });
      expect(tokenize(text).fields, text).toEqual(oracle);
    }
  });
});

describe('CsvTokenizer', () => {
  it('strips a byte order mark at the very start only', () => {
    expect(tokenize('\uFEFFa,b\n1,\uFEFF\n').fields).toEqual([
      ['a', 'b'],
      ['1', '\uFEFF'],
    ]);
    expect(tokenize('\uFEFFa\n', 1).fields).toEqual([['a']]);
  });

  it('reads CR-only line ends, as old Mac exports have them', () => {
    expect(tokenize('a,b\r1,"x\ry"\r\r2,z', 3)).toEqual({
      fields: [
        ['a', 'b'],
        ['1', 'x\ry'],
        ['2', 'z'],
      ],
      lines: [1, 2, 5],
    });
  });

  it('splits whitespace-delimited text on runs of blanks, keeping quoted blanks and empty quotes', () => {
    expect(tokenize('  a \t b  \n\n \t \n"New York"  ""  3\r\n', 4, 'whitespace')).toEqual({
      fields: [
        ['a', 'b'],
        ['New York', '', '3'],
      ],
      lines: [1, 4],
    });
  });

  it("fails an unterminated quote with 'unterminated_quote' on the line it opened", () => {
    const error = (() => {
      try {
        tokenize('id,name\n1,Ann\n2,"Bob\n3,Cy\n4,Di\n', 5);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SourceFormatError);
    expect(error).toMatchObject({ rule: 'unterminated_quote', line: 3 });
  });

  it("fails a record past maxRecordChars as soon as it is that long, quoted or not, with 'record_too_long'", () => {
    for (const text of [`a\n${'x'.repeat(300)}\nb\n`, `a\n"${'x\n'.repeat(150)}"\n`, 'y'.repeat(10_000)]) {
      const tokenizer = new CsvTokenizer({ delimiter: ',', maxRecordChars: 100 });
      let pushed = 0;
      const feed = () => {
        for (let at = 0; at < text.length; at += 16) {
          tokenizer.push(text.slice(at, at + 16));
          pushed += 16;
        }
        tokenizer.end();
      };
      expect(feed).toThrow(
        expect.objectContaining({ rule: 'record_too_long', line: 2 - Number(text.startsWith('y')) }),
      );
      // It stopped early: never more than the limit and one chunk held.
      expect(pushed).toBeLessThanOrEqual(100 + 3 * 16 + 16);
    }
  });

  it('refuses a delimiter of more than one character', () => {
    expect(() => new CsvTokenizer({ delimiter: ';;', maxRecordChars: 10 })).toThrow(/one character/);
  });
});
