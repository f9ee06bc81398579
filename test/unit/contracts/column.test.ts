import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type Column,
  column,
  isoDateToMillis,
  isoTimestampToMillis,
  ruleOfIssue,
} from '#shared/domain/contracts/column';

type Outcome = { ok: true; value: unknown } | { ok: false; rules: string[]; messages: string[] };

/** Parses one raw cell and returns the value or the rules of every issue. */
function parseCell(col: Column, raw: string | undefined): Outcome {
  const result = col.schema.safeParse(raw);
  return result.success
    ? { ok: true, value: result.data }
    : {
        ok: false,
        rules: result.error.issues.map(ruleOfIssue),
        messages: result.error.issues.map((i) => i.message),
      };
}

const parsed = (col: Column, raw: string | undefined): unknown => {
  const outcome = parseCell(col, raw);
  if (!outcome.ok)
    throw new Error(`expected ${JSON.stringify(raw)} to parse, got ${outcome.rules.join(', ')}`);
  return outcome.value;
};

const rulesOf = (col: Column, raw: string | undefined): string[] => {
  const outcome = parseCell(col, raw);
  return outcome.ok ? [] : outcome.rules;
};

describe('column builders: required and optional cells', () => {
  const builders = {
    id: (optional: boolean) => column.id({ description: 'x', optional }),
    text: (optional: boolean) => column.text({ description: 'x', optional }),
    enumeration: (optional: boolean) => column.enumeration(['a', 'b'], { description: 'x', optional }),
    int: (optional: boolean) => column.int({ description: 'x', optional }),
    decimal: (optional: boolean) => column.decimal({ description: 'x', optional }),
    boolean: (optional: boolean) => column.boolean({ description: 'x', optional }),
    date: (optional: boolean) => column.date({ description: 'x', optional }),
    timestamp: (optional: boolean) => column.timestamp({ description: 'x', optional }),
  };

  for (const [name, make] of Object.entries(builders)) {
    it(`${name}: a required column refuses an empty, blank or absent cell with rule 'required'`, () => {
      const col = make(false);
      expect(col.required).toBe(true);
      for (const raw of ['', '   ', '\t', undefined]) expect(rulesOf(col, raw)).toEqual(['required']);
    });

    it(`${name}: an optional column turns an empty, blank or absent cell into null`, () => {
      const col = make(true);
      expect(col.required).toBe(false);
      for (const raw of ['', '  ', undefined]) expect(parsed(col, raw)).toBeNull();
    });
  }

  it('records the storage type and description of each builder', () => {
    const storage = Object.fromEntries(
      Object.entries(builders).map(([name, make]) => [name, make(false).storage]),
    );
    expect(storage).toEqual({
      id: 'string',
      text: 'string',
      enumeration: 'string',
      int: 'int',
      decimal: 'double',
      boolean: 'boolean',
      date: 'date',
      timestamp: 'timestamp',
    });
    expect(column.id({ description: 'Customer id.' }).description).toBe('Customer id.');
  });
});

describe('column.id', () => {
  const id = column.id({ description: 'id' });

  it('keeps the trimmed text', () => {
    expect(parsed(id, '  C-001 ')).toBe('C-001');
  });

  it('accepts 64 characters and refuses 65 with rule id_length', () => {
    expect(parsed(id, 'x'.repeat(64))).toBe('x'.repeat(64));
    expect(rulesOf(id, 'x'.repeat(65))).toEqual(['id_length']);
  });

  it('refuses control characters inside the id with rule id_characters', () => {
    expect(rulesOf(id, 'a\tb')).toEqual(['id_characters']);
    expect(rulesOf(id, 'a\u0000b')).toEqual(['id_characters']);
    expect(rulesOf(id, 'a\u007fb')).toEqual(['id_characters']);
    expect(rulesOf(id, 'a\nb')).toEqual(['id_characters']);
  });
});

describe('column.text', () => {
  it('allows 256 characters by default and refuses 257 with rule text_length', () => {
    const text = column.text({ description: 't' });
    expect(parsed(text, 'y'.repeat(256))).toBe('y'.repeat(256));
    expect(rulesOf(text, 'y'.repeat(257))).toEqual(['text_length']);
  });

  it('honours maxLength', () => {
    const text = column.text({ description: 't', maxLength: 5 });
    expect(parsed(text, '09:30')).toBe('09:30');
    const outcome = parseCell(text, '09:30x');
    expect(outcome).toEqual({
      ok: false,
      rules: ['text_length'],
      messages: ['must be at most 5 characters'],
    });
  });
});

describe('column.enumeration', () => {
  const channel = column.enumeration(['email', 'sms'], { description: 'c' });

  it('matches case-insensitively and returns the canonical value', () => {
    expect(parsed(channel, 'EMAIL')).toBe('email');
    expect(parsed(channel, ' Sms ')).toBe('sms');
  });

  it('refuses other values with rule allowed_values, naming the allowed ones', () => {
    const outcome = parseCell(channel, 'fax');
    expect(outcome).toEqual({
      ok: false,
      rules: ['allowed_values'],
      messages: ['must be one of email, sms'],
    });
  });
});

describe('column.int', () => {
  const int = column.int({ description: 'i' });

  it('parses whole numbers with an optional sign', () => {
    expect(parsed(int, '42')).toBe(42);
    expect(parsed(int, '-7')).toBe(-7);
    expect(parsed(int, '+3')).toBe(3);
    expect(parsed(int, '007')).toBe(7);
  });

  it("refuses decimals, exponents and words with rule 'integer'", () => {
    for (const raw of ['1.0', '1.5', '1e3', 'ten', '1 000', '0x10'])
      expect(rulesOf(int, raw)).toEqual(['integer']);
  });

  it("refuses integers beyond the safe range with rule 'integer_range'", () => {
    expect(rulesOf(int, '9007199254740993')).toEqual(['integer_range']);
  });

  it("applies min and max with rules 'minimum' and 'maximum'", () => {
    const bounded = column.int({ description: 'i', min: 1900, max: 2030 });
    expect(parsed(bounded, '1900')).toBe(1900);
    expect(parsed(bounded, '2030')).toBe(2030);
    expect(parseCell(bounded, '1899')).toEqual({
      ok: false,
      rules: ['minimum'],
      messages: ['must be at least 1900'],
    });
    expect(parseCell(bounded, '2031')).toEqual({
      ok: false,
      rules: ['maximum'],
      messages: ['must be at most 2030'],
    });
  });

  // An int column is stored as Parquet INT32 / Athena `int` (see parquet-encoding.ts and catalog.ts),
  // so a value outside the 32-bit range passes validation and then fails the Parquet writer.
  it('refuses a value outside the 32-bit range its storage type can hold', () => {
    expect(parsed(int, '2147483647')).toBe(2147483647);
    expect(parsed(int, '-2147483648')).toBe(-2147483648);
    expect(rulesOf(int, '2147483648')).not.toEqual([]);
    expect(rulesOf(int, '-2147483649')).not.toEqual([]);
  });
});

describe('column.decimal', () => {
  const decimal = column.decimal({ description: 'd' });

  it('parses numbers with a dot as decimal separator', () => {
    expect(parsed(decimal, '1.5')).toBe(1.5);
    expect(parsed(decimal, '-0.25')).toBe(-0.25);
    expect(parsed(decimal, '.5')).toBe(0.5);
    expect(parsed(decimal, '5.')).toBe(5);
    expect(parsed(decimal, '12')).toBe(12);
    expect(parsed(decimal, '1e3')).toBe(1000);
    expect(parsed(decimal, '2.5E-1')).toBe(0.25);
  });

  it("refuses a decimal comma and other non-numbers with rule 'number'", () => {
    for (const raw of ['1,5', '1.000,00', '€5', 'NaN', 'Infinity', '1.2.3', '-']) {
      expect(rulesOf(decimal, raw)).toEqual(['number']);
    }
  });

  it("applies min and max with rules 'minimum' and 'maximum'", () => {
    const pct = column.decimal({ description: 'd', min: 0, max: 100 });
    expect(parsed(pct, '0')).toBe(0);
    expect(parsed(pct, '100')).toBe(100);
    expect(rulesOf(pct, '-0.01')).toEqual(['minimum']);
    expect(rulesOf(pct, '100.01')).toEqual(['maximum']);
  });

  // NUMBER accepts any exponent, so '1e999' parses to Infinity and passes a column without a max
  // (e.g. products.price); the lake then holds an infinite price.
  it('refuses a number that overflows to Infinity', () => {
    const price = column.decimal({ description: 'd', min: 0 });
    expect(rulesOf(price, '1e999')).not.toEqual([]);
  });
});

describe('column.boolean', () => {
  const bool = column.boolean({ description: 'b' });

  it('accepts true/false, 1/0, yes/no and y/n in any case', () => {
    for (const raw of ['true', 'TRUE', '1', 'yes', 'Y']) expect(parsed(bool, raw)).toBe(true);
    for (const raw of ['false', 'False', '0', 'NO', 'n']) expect(parsed(bool, raw)).toBe(false);
  });

  it("refuses other words with rule 'boolean'", () => {
    for (const raw of ['maybe', 't', 'f', '2', 'on']) expect(rulesOf(bool, raw)).toEqual(['boolean']);
  });
});

describe('column.date', () => {
  const date = column.date({ description: 'd' });

  it('keeps a calendar date as ISO text', () => {
    expect(parsed(date, '2024-02-29')).toBe('2024-02-29');
    expect(parsed(date, ' 2026-12-31 ')).toBe('2026-12-31');
  });

  it("refuses dates that do not exist and other formats with rule 'iso_date'", () => {
    for (const raw of [
      '2025-02-29',
      '2025-02-30',
      '2025-13-01',
      '2025-00-10',
      '2025-04-31',
      '2025-1-01',
      '01.02.2025',
    ]) {
      expect(rulesOf(date, raw)).toEqual(['iso_date']);
    }
    expect(rulesOf(date, '2025-01-01T00:00:00')).toEqual(['iso_date']);
  });
});

describe('column.timestamp', () => {
  const ts = column.timestamp({ description: 't' });

  it('parses with and without seconds, with T or a space', () => {
    expect(parsed(ts, '2026-03-01T14:30:05')).toBe(Date.UTC(2026, 2, 1, 14, 30, 5));
    expect(parsed(ts, '2026-03-01 14:30:05')).toBe(Date.UTC(2026, 2, 1, 14, 30, 5));
    expect(parsed(ts, '2026-03-01T14:30')).toBe(Date.UTC(2026, 2, 1, 14, 30));
    expect(parsed(ts, '2026-03-01 14:30')).toBe(Date.UTC(2026, 2, 1, 14, 30));
  });

  it('keeps fractional seconds to the millisecond', () => {
    expect(parsed(ts, '2026-03-01T14:30:05.5')).toBe(Date.UTC(2026, 2, 1, 14, 30, 5, 500));
    expect(parsed(ts, '2026-03-01T14:30:05.12')).toBe(Date.UTC(2026, 2, 1, 14, 30, 5, 120));
    expect(parsed(ts, '2026-03-01T14:30:05.123')).toBe(Date.UTC(2026, 2, 1, 14, 30, 5, 123));
    expect(parsed(ts, '2026-03-01T14:30:05.123999')).toBe(Date.UTC(2026, 2, 1, 14, 30, 5, 123));
  });

  it('keeps a wall-clock time without offset as is, and reads Z as UTC', () => {
    expect(parsed(ts, '2026-03-01T14:30:00Z')).toBe(Date.UTC(2026, 2, 1, 14, 30));
    expect(parsed(ts, '2026-03-01T14:30:00')).toBe(Date.UTC(2026, 2, 1, 14, 30));
  });

  it('moves a time with a ±hh:mm offset to UTC', () => {
    expect(parsed(ts, '2026-03-01T14:30:00+02:00')).toBe(Date.UTC(2026, 2, 1, 12, 30));
    expect(parsed(ts, '2026-03-01T14:30:00-05:30')).toBe(Date.UTC(2026, 2, 1, 20, 0));
    expect(parsed(ts, '2026-03-01T14:30:00+0100')).toBe(Date.UTC(2026, 2, 1, 13, 30));
    expect(parsed(ts, '2026-03-01T14:30+00:00')).toBe(Date.UTC(2026, 2, 1, 14, 30));
  });

  it('crosses a day (and a month) boundary when the offset says so', () => {
    expect(parsed(ts, '2026-03-01T01:00:00+02:00')).toBe(Date.UTC(2026, 1, 28, 23, 0));
    expect(parsed(ts, '2026-02-28T23:00:00-02:00')).toBe(Date.UTC(2026, 2, 1, 1, 0));
  });

  it("refuses hour 24, minute 60, second 60, impossible dates and other formats with rule 'iso_timestamp'", () => {
    for (const raw of [
      '2026-03-01T24:00:00',
      '2026-03-01T12:60',
      '2026-03-01T12:00:60',
      '2026-02-30T10:00',
      '2026-03-01',
      '2026-03-01T1:00',
      '2026-03-01T10:00:00 +02:00',
      '01/03/2026 10:00',
      'yesterday',
    ]) {
      expect(rulesOf(ts, raw)).toEqual(['iso_timestamp']);
    }
  });
});

describe('isoDateToMillis', () => {
  it('gives the UTC midnight of a calendar date', () => {
    expect(isoDateToMillis('1970-01-01')).toBe(0);
    expect(isoDateToMillis('1970-01-02')).toBe(86_400_000);
    expect(isoDateToMillis('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });

  it('gives NaN for a date that does not exist or is not YYYY-MM-DD', () => {
    for (const text of ['2023-02-29', '2025-02-30', '2025-13-01', '2025-1-1', '', '2025-01-01 ']) {
      expect(isoDateToMillis(text)).toBeNaN();
    }
  });
});

describe('isoTimestampToMillis', () => {
  it('agrees with Date.parse for UTC timestamps', () => {
    for (const text of ['2026-03-01T14:30:05.123Z', '1999-12-31T23:59:59Z', '2024-02-29T00:00:00Z']) {
      expect(isoTimestampToMillis(text)).toBe(Date.parse(text));
    }
  });

  it('agrees with Date.parse for offset timestamps', () => {
    for (const text of [
      '2026-03-01T14:30:05+02:00',
      '2026-07-15T08:00:00-07:00',
      '2026-01-01T00:30:00+05:45',
    ]) {
      expect(isoTimestampToMillis(text)).toBe(Date.parse(text));
    }
  });

  it('gives NaN for text that is not a timestamp', () => {
    for (const text of ['', 'now', '2026-03-01', '2026-03-01T23:59:59.', '2026-03-01T24:00']) {
      expect(isoTimestampToMillis(text)).toBeNaN();
    }
  });
});

describe('ruleOfIssue', () => {
  it('returns the rule a column put on the issue', () => {
    const result = column.date({ description: 'd' }).schema.safeParse('2025-02-30');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map(ruleOfIssue)).toEqual(['iso_date']);
  });

  it("falls back to zod's issue code when there is no rule", () => {
    const result = z.string().safeParse(42);
    expect(result.error?.issues.map(ruleOfIssue)).toEqual(['invalid_type']);
    const custom = z
      .string()
      .refine(() => false, { message: 'never' })
      .safeParse('x');
    expect(custom.error?.issues.map(ruleOfIssue)).toEqual(['custom']);
  });
});
