import { describe, expect, it } from 'vitest';
import { dayOfIsoDate, daysFromCivil, isCalendarDate } from '#shared/domain/calendar';
import {
  dayOfSimpleIsoDate,
  hasControlCharacter,
  simpleDate,
  simpleDecimal,
  simpleInteger,
  simpleTimestamp,
  trimmed,
} from '#shared/domain/contracts/cell-fast-paths';
import {
  column,
  generalIsoDateToMillis,
  generalIsoTimestampToMillis,
  isoDateToMillis,
  isoTimestampToMillis,
} from '#shared/domain/contracts/column';

/**
 * The fast paths against the general parse they stand in for, on cells generated to sit on both
 * sides of every boundary: a fast path must give the general answer or step aside (undefined).
 */

/** A small seeded generator (xorshift32), so that a failure can be replayed. */
function dice(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4_294_967_296;
  };
}

const NOISE = [
  '',
  '0',
  '9',
  '-',
  '+',
  '.',
  ':',
  'T',
  ' ',
  'Z',
  'e',
  'E',
  'x',
  '\t',
  '\u00a0',
  '\u0000',
  'é',
  '٣',
];

/** Variants of a cell: itself, and copies with a character replaced, inserted or removed. */
function mutations(cells: readonly string[], seed: number, perCell: number): string[] {
  const next = dice(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const out: string[] = [];
  for (const cell of cells) {
    out.push(cell);
    for (let k = 0; k < perCell; k++) {
      const at = Math.floor(next() * (cell.length + 1));
      const roll = next();
      const noise = next() < 0.5 ? pick(NOISE) : String(Math.floor(next() * 10));
      if (roll < 0.4) out.push(cell.slice(0, at) + noise + cell.slice(at + 1));
      else if (roll < 0.7) out.push(cell.slice(0, at) + noise + cell.slice(at));
      else out.push(cell.slice(0, at) + cell.slice(at + 1));
    }
  }
  return out;
}

const civil = (y: number, m: number, d: number) =>
  isCalendarDate(y, m, d) ? daysFromCivil(y, m, d) * 86_400_000 : Number.NaN;

const same = (a: unknown, b: unknown) => Object.is(a, b);

describe('simpleTimestamp', () => {
  const cells = mutations(
    [
      '2026-03-01T14:30:00',
      '2026-03-01 14:30:00',
      '2026-03-01T14:30',
      '2026-03-01T14:30Z',
      '2026-03-01T14:30:00Z',
      '2026-03-01T14:30:00.250',
      '2026-03-01T14:30:00+02:00',
      '2024-02-29T23:59:59',
      '2025-02-29T00:00:00',
      '2025-13-01T00:00:00',
      '2025-12-31T24:00:00',
      '2025-12-31T23:60:00',
      '2025-12-31T23:59:60',
      '0001-01-01T00:00:00',
      '1969-12-31T23:59:59Z',
    ],
    7,
    400,
  );

  it('gives the general parse or steps aside, on good and bad cells', () => {
    let taken = 0;
    for (const cell of cells) {
      const fast = simpleTimestamp(cell, civil);
      if (fast !== undefined) taken += 1;
      if (fast !== undefined && !same(fast, generalIsoTimestampToMillis(cell)))
        throw new Error(
          `${JSON.stringify(cell)}: fast ${fast}, general ${generalIsoTimestampToMillis(cell)}`,
        );
      expect(same(isoTimestampToMillis(cell), generalIsoTimestampToMillis(cell))).toBe(true);
    }
    expect(taken).toBeGreaterThan(cells.length / 10);
  });

  it('reads the usual shapes itself', () => {
    expect(simpleTimestamp('2026-03-01T14:30:00', civil)).toBe(Date.UTC(2026, 2, 1, 14, 30));
    expect(simpleTimestamp('2026-03-01 14:30', civil)).toBe(Date.UTC(2026, 2, 1, 14, 30));
    expect(simpleTimestamp('2026-03-01T14:30:05Z', civil)).toBe(Date.UTC(2026, 2, 1, 14, 30, 5));
    expect(simpleTimestamp('2025-02-29T00:00:00', civil)).toBeNaN();
    expect(simpleTimestamp('2026-03-01T14:30:00.5', civil)).toBeUndefined();
    expect(simpleTimestamp('2026-03-01T14:30:00+01:00', civil)).toBeUndefined();
  });
});

describe('simpleDate', () => {
  const cells = mutations(
    ['2026-03-01', '2024-02-29', '2025-02-29', '2025-00-10', '1900-01-01', '0000-03-01', '20260301'],
    11,
    400,
  );

  it('gives the general parse or steps aside, on good and bad cells', () => {
    for (const cell of cells) {
      const fast = simpleDate(cell, civil);
      if (fast !== undefined && !same(fast, generalIsoDateToMillis(cell)))
        throw new Error(`${JSON.stringify(cell)}: fast ${fast}, general ${generalIsoDateToMillis(cell)}`);
      expect(same(isoDateToMillis(cell), generalIsoDateToMillis(cell))).toBe(true);
    }
  });

  it('dayOfSimpleIsoDate gives the day number dayOfIsoDate gives, calendar or not', () => {
    expect(cells.filter((cell) => !same(dayOfSimpleIsoDate(cell), dayOfIsoDate(cell)))).toEqual([]);
  });
});

/** The general integer and decimal reads, as column.ts has them. */
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const generalInteger = (text: string) => (INTEGER.test(text) ? Number(text) : undefined);
const generalDecimal = (text: string) => {
  const value = Number(text);
  return NUMBER.test(text) && Number.isFinite(value) ? value : undefined;
};

describe('simpleInteger and simpleDecimal', () => {
  const next = dice(5);
  const numbers: string[] = ['0', '-0', '+0', '007', '-', '+', '', '.', '1.', '.5', '-.5', '+1.5', '1e3'];
  for (let i = 0; i < 3000; i++) {
    const digits = 1 + Math.floor(next() * 18);
    let text = '';
    for (let d = 0; d < digits; d++) text += String(Math.floor(next() * 10));
    const dot = Math.floor(next() * (digits + 3));
    if (dot <= digits) text = `${text.slice(0, dot)}.${text.slice(dot)}`;
    const sign = next();
    numbers.push(sign < 0.2 ? `-${text}` : sign < 0.3 ? `+${text}` : text);
  }
  const cells = mutations(numbers, 3, 3);

  it('simpleInteger gives Number() of a whole number or steps aside', () => {
    let taken = 0;
    for (const cell of cells) {
      const fast = simpleInteger(cell);
      if (fast === undefined) continue;
      taken += 1;
      if (!same(fast, generalInteger(cell)))
        throw new Error(`${JSON.stringify(cell)}: fast ${fast}, general ${generalInteger(cell)}`);
    }
    expect(taken).toBeGreaterThan(100);
  });

  it('simpleDecimal gives Number() of a decimal or steps aside, to the last bit', () => {
    let taken = 0;
    for (const cell of cells) {
      const fast = simpleDecimal(cell);
      if (fast === undefined) continue;
      taken += 1;
      if (!same(fast, generalDecimal(cell)))
        throw new Error(`${JSON.stringify(cell)}: fast ${fast}, general ${generalDecimal(cell)}`);
    }
    expect(taken).toBeGreaterThan(cells.length / 4);
  });

  it('simpleDecimal is exact on prices with two decimals, the usual cell', () => {
    for (let cents = 0; cents < 200_000; cents += 7) {
      const text = (cents / 100).toFixed(2);
      expect(simpleDecimal(text)).toBe(Number(text));
    }
  });
});

describe('hasControlCharacter and trimmed', () => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the rule this stands in for
  const CONTROL = /[\u0000-\u001f\u007f]/;
  const cells: string[] = [];
  for (let c = 0; c < 0x3100; c++) {
    const ch = String.fromCharCode(c);
    cells.push(ch, `a${ch}`, `${ch}a`, `ab${ch}cd`, `${ch}${ch}`, ` ${ch}`);
  }
  cells.push('\ufeffa', 'a\ufeff', '\u2028a', 'a\u2029', '\u3000a', '\u00a0', '');

  it('hasControlCharacter agrees with the regular expression it replaces', () => {
    expect(cells.filter((cell) => hasControlCharacter(cell) !== CONTROL.test(cell))).toEqual([]);
  });

  it('trimmed agrees with String.prototype.trim', () => {
    expect(cells.filter((cell) => trimmed(cell) !== cell.trim())).toEqual([]);
  });
});

/**
 * The cell parses as they were before the fast paths, word for word: regular expressions,
 * String.prototype.trim and lower-case copies. Every cell below must parse the same, value or
 * rule and message, through the columns as they are now.
 */
const reference = (() => {
  const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
  const ISO_TIMESTAMP =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-](?:0\d|1[0-4]):?[0-5]\d)?$/;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the rule this stands in for
  const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
  type Parse = (text: string) => unknown;
  const cell = (parse: Parse, optional: boolean) => (raw: string | undefined) => {
    const text = raw?.trim() ?? '';
    if (text === '') return optional ? null : { rule: 'required', message: 'required value is empty' };
    return parse(text);
  };
  const timestamp = (text: string) => {
    const m = ISO_TIMESTAMP.exec(text);
    if (!m) return Number.NaN;
    const dateMillis = civil(Number(m[1]), Number(m[2]), Number(m[3]));
    const hour = Number(m[4]);
    const minute = Number(m[5]);
    const second = m[6] === undefined ? 0 : Number(m[6]);
    if (Number.isNaN(dateMillis) || hour > 23 || minute > 59 || second > 59) return Number.NaN;
    const fraction = m[7];
    const millis = fraction === undefined ? 0 : Number(fraction) * 10 ** (3 - fraction.length);
    let value = dateMillis + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
    const zone = m[8];
    if (zone && zone !== 'Z') {
      const sign = zone.charCodeAt(0) === 45 ? -1 : 1;
      const digits = zone.length === 6 ? zone.slice(1, 3) + zone.slice(4) : zone.slice(1);
      value -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    return value;
  };
  const bounds = (value: number, min?: number, max?: number) => {
    if (min !== undefined && value < min) return { rule: 'minimum', message: `must be at least ${min}` };
    if (max !== undefined && value > max) return { rule: 'maximum', message: `must be at most ${max}` };
    return value;
  };
  const member = (values: readonly string[], text: string) => values.find((v) => v === text.toLowerCase());
  return {
    id: cell((text) => {
      if (text.length > 64) return { rule: 'id_length', message: 'must be at most 64 characters' };
      if (CONTROL_CHARACTERS.test(text))
        return { rule: 'id_characters', message: 'must not contain control characters' };
      return text;
    }, true),
    enumeration: cell(
      (text) =>
        member(['online', 'over_the_counter', 'app'], text) ?? {
          rule: 'allowed_values',
          message: 'must be one of online, over_the_counter, app',
        },
      false,
    ),
    int: cell((text) => {
      if (!/^[+-]?\d+$/.test(text)) return { rule: 'integer', message: 'must be a whole number' };
      const value = Number(text);
      if (value < -(2 ** 31) || value > 2 ** 31 - 1)
        return { rule: 'integer_range', message: `must be between ${-(2 ** 31)} and ${2 ** 31 - 1}` };
      return bounds(value, -100_000, 100_000);
    }, false),
    decimal: cell((text) => {
      const value = Number(text);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) || !Number.isFinite(value))
        return { rule: 'number', message: 'must be a finite number with a dot as decimal separator' };
      return bounds(value, 0);
    }, true),
    boolean: cell((text) => {
      if (member(['true', '1', 'yes', 'y'], text)) return true;
      if (member(['false', '0', 'no', 'n'], text)) return false;
      return { rule: 'boolean', message: 'must be true/false, 1/0 or yes/no' };
    }, true),
    date: cell((text) => {
      const m = ISO_DATE.exec(text);
      const millis = m ? civil(Number(m[1]), Number(m[2]), Number(m[3])) : Number.NaN;
      return Number.isNaN(millis)
        ? { rule: 'iso_date', message: 'must be a calendar date as YYYY-MM-DD' }
        : text;
    }, true),
    timestamp: cell((text) => {
      const millis = timestamp(text);
      return Number.isNaN(millis)
        ? { rule: 'iso_timestamp', message: 'must be an ISO 8601 timestamp such as 2026-03-01T14:30:00' }
        : millis;
    }, false),
  };
})();

describe('column parses against the parses as they were before the fast paths', () => {
  const columns = {
    id: column.id({ description: 'x', optional: true }),
    enumeration: column.enumeration(['online', 'over_the_counter', 'app'], { description: 'x' }),
    int: column.int({ description: 'x', min: -100_000, max: 100_000 }),
    decimal: column.decimal({ description: 'x', min: 0, optional: true }),
    boolean: column.boolean({ description: 'x', optional: true }),
    date: column.date({ description: 'x', optional: true }),
    timestamp: column.timestamp({ description: 'x' }),
  };
  const seeds: Record<keyof typeof columns, string[]> = {
    id: ['L000000001', 'C0012345', ' P1 ', 'a\u0001b', 'x'.repeat(64), 'x'.repeat(65), '\u00a0C1\u3000', 'é'],
    enumeration: ['online', 'ONLINE', ' app', 'App', 'over_the_counter', 'shop', 'İ'],
    int: [
      '3',
      '-1',
      '+7',
      '0',
      '-0',
      '007',
      '100000',
      '100001',
      '-100001',
      '2147483648',
      '12345678901',
      '1.5',
      '1e2',
    ],
    decimal: [
      '12.50',
      '0.5',
      '.5',
      '5.',
      '-1.5',
      '-0',
      '1e2',
      '1,5',
      'Infinity',
      '0x10',
      '123456789012345.6789',
    ],
    boolean: ['true', 'TRUE', 'True', '1', 'yes', 'Y', 'y', 'false', 'No', 'n', '0', 'maybe', 'truee'],
    date: ['2026-03-01', '2024-02-29', '2025-02-29', '2025-13-01', '0000-01-01', '2026-3-1', ' 2026-03-01 '],
    timestamp: [
      '2026-03-01T14:30:00',
      '2026-03-01 14:30',
      '2026-03-01T14:30:00Z',
      '2026-03-01T14:30:00.123456',
      '2026-03-01T14:30:00+14:00',
      '2026-03-01T14:30:00-0530',
      '2026-02-30T00:00:00',
      '2026-03-01T24:00:00',
      ' 2026-03-01T14:30:00\t',
    ],
  };

  for (const name of Object.keys(columns) as (keyof typeof columns)[]) {
    it(`${name}: the same value, or the same rule and message, on good and bad cells`, () => {
      const cells: (string | undefined)[] = [undefined, '', '  ', ...mutations(seeds[name], 13, 300)];
      const parse = columns[name].parseCell;
      const before = reference[name];
      const differing = cells.filter((cell) => {
        const now = parse(cell);
        const then = before(cell);
        return typeof now === 'object' && now !== null
          ? JSON.stringify(now) !== JSON.stringify(then)
          : !same(now, then);
      });
      expect(differing).toEqual([]);
    });
  }
});

describe('column parses with fast paths against the general parse', () => {
  const next = dice(9);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;

  it('enumeration and boolean cells read the same in any case', () => {
    const channel = column.enumeration(['online', 'over_the_counter', 'app'], { description: 'x' });
    const flag = column.boolean({ description: 'x', optional: true });
    const words = ['online', 'ONLINE', 'Online', 'app', 'App ', ' over_the_counter', 'shop', ''];
    const flags = ['true', 'TRUE', 'True', '1', 'yes', 'Y', 'y', 'false', 'No', 'n', '0', 'maybe', ''];
    for (let i = 0; i < 500; i++) {
      const word = pick(words);
      const lower = word.trim().toLowerCase();
      const expected = ['online', 'over_the_counter', 'app'].includes(lower)
        ? lower
        : lower === ''
          ? { rule: 'required', message: 'required value is empty' }
          : { rule: 'allowed_values', message: 'must be one of online, over_the_counter, app' };
      expect(channel.parseCell(word)).toEqual(expected);
      const f = pick(flags);
      const fl = f.toLowerCase();
      const bool = ['true', '1', 'yes', 'y'].includes(fl)
        ? true
        : ['false', '0', 'no', 'n'].includes(fl)
          ? false
          : fl === ''
            ? null
            : { rule: 'boolean', message: 'must be true/false, 1/0 or yes/no' };
      expect(flag.parseCell(f)).toEqual(bool);
    }
  });

  it('int and decimal cells read as Number() would, with the same rules on bad ones', () => {
    const int = column.int({ description: 'x', min: -100_000, max: 100_000 });
    const dec = column.decimal({ description: 'x', min: 0, optional: true });
    for (const raw of ['3', '-1', '+7', '0', '-0', '100001', '2147483648', '1.5', 'x', '1e2', ' 4 ']) {
      const text = raw.trim();
      const value = generalInteger(text);
      const expected =
        value === undefined
          ? { rule: 'integer', message: 'must be a whole number' }
          : value > 2 ** 31 - 1
            ? { rule: 'integer_range', message: `must be between ${-(2 ** 31)} and ${2 ** 31 - 1}` }
            : value > 100_000
              ? { rule: 'maximum', message: 'must be at most 100000' }
              : value;
      expect(int.parseCell(raw)).toEqual(expected);
    }
    for (const raw of ['12.50', '0.5', '.5', '5.', '-1.5', '1e2', '1,5', 'Infinity', '12345678901234567.5']) {
      const value = generalDecimal(raw);
      const expected =
        value === undefined
          ? { rule: 'number', message: 'must be a finite number with a dot as decimal separator' }
          : value < 0
            ? { rule: 'minimum', message: 'must be at least 0' }
            : value;
      expect(dec.parseCell(raw)).toEqual(expected);
    }
  });
});
