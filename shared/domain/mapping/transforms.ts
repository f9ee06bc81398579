import { createHmac } from 'node:crypto';
import type { CellProblem } from '../contracts/column';
import type { Transform } from './mapping-schema';

/** A compiled transform: the cell text in, the converted text or a problem out. */
export type CellTransform = (
  text: string,
  cells: Readonly<Record<string, string | undefined>>,
) => string | CellProblem;

export function isCellProblem(value: unknown): value is CellProblem {
  return typeof value === 'object' && value !== null && 'rule' in value;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Numbers back to text without float noise (0.1 + 0.2 prints as 0.3). */
function formatNumber(n: number): string {
  return String(Number(n.toFixed(10)));
}

function numeric(text: string, rule: string): number | CellProblem {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : { rule, message: `expected a number, found "${text}"` };
}

const TOKENS: Record<string, { pattern: string; field: 'y' | 'M' | 'd' | 'H' | 'm' | 's' | 'S' }> = {
  yyyy: { pattern: '(\\d{4})', field: 'y' },
  yy: { pattern: '(\\d{2})', field: 'y' },
  MM: { pattern: '(\\d{2})', field: 'M' },
  M: { pattern: '(\\d{1,2})', field: 'M' },
  dd: { pattern: '(\\d{2})', field: 'd' },
  d: { pattern: '(\\d{1,2})', field: 'd' },
  HH: { pattern: '(\\d{2})', field: 'H' },
  H: { pattern: '(\\d{1,2})', field: 'H' },
  mm: { pattern: '(\\d{2})', field: 'm' },
  ss: { pattern: '(\\d{2})', field: 's' },
  SSS: { pattern: '(\\d{3})', field: 'S' },
};
const TOKEN = /yyyy|yy|SSS|MM|M|dd|d|HH|H|mm|ss/g;

/**
 * Compiles a date pattern such as `dd/MM/yyyy HH:mm` into a converter to ISO 8601: a date when
 * the pattern has no time of day, else `YYYY-MM-DDTHH:MM:SS`. Two-digit years are read as 20yy.
 * Whether the date exists is left to the contract, which names the rule.
 */
export function compileDatePattern(
  pattern: string,
  to?: 'date' | 'timestamp',
): (text: string) => string | CellProblem {
  const fields: (typeof TOKENS)[string]['field'][] = [];
  let source = '';
  let last = 0;
  for (const match of pattern.matchAll(TOKEN)) {
    source += pattern.slice(last, match.index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const token = TOKENS[match[0]];
    if (!token) continue;
    source += token.pattern;
    fields.push(token.field);
    last = match.index + match[0].length;
  }
  source += pattern.slice(last).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const regex = new RegExp(`^${source}$`);
  const hasTime = to === 'timestamp' || (to !== 'date' && fields.includes('H'));
  if (!fields.includes('y') || !fields.includes('M') || !fields.includes('d')) {
    throw new Error(`date pattern ${pattern} needs a year, a month and a day`);
  }
  return (text) => {
    const m = regex.exec(text.trim());
    if (!m) return { rule: 'mapping_date', message: `"${text}" does not match the date pattern ${pattern}` };
    const parts: Record<string, string> = { y: '', M: '', d: '', H: '0', m: '0', s: '0', S: '' };
    fields.forEach((f, i) => {
      parts[f] = m[i + 1] ?? '';
    });
    const year = parts.y?.length === 2 ? `20${parts.y}` : (parts.y ?? '');
    const pad = (v: string | undefined) => (v ?? '0').padStart(2, '0');
    const date = `${year}-${pad(parts.M)}-${pad(parts.d)}`;
    if (!hasTime) return date;
    return `${date}T${pad(parts.H)}:${pad(parts.m)}:${pad(parts.s)}${parts.S ? `.${parts.S}` : ''}`;
  };
}

function addDays(text: string, days: number): string | CellProblem {
  const m = /^(\d{4}-\d{2}-\d{2})(.*)$/.exec(text);
  const base = m?.[1] ? Date.parse(`${m[1]}T00:00:00Z`) : Number.NaN;
  if (!m || Number.isNaN(base))
    return { rule: 'mapping_date', message: `"${text}" is not an ISO date to add days to` };
  return `${new Date(base + days * 86_400_000).toISOString().slice(0, 10)}${m[2] ?? ''}`;
}

export interface TransformContext {
  /** The deployment's key for hashing personal data; without it a mapping cannot hash. */
  readonly piiKey?: Uint8Array;
}

const NORMALISE: Record<'email' | 'phone' | 'text', (s: string) => string> = {
  email: (s) => s.trim().toLowerCase(),
  phone: (s) => s.replace(/\D/g, ''),
  text: (s) => s.trim(),
};

/** Compiles one transform of a mapping. */
export function compileTransform(t: Transform, context: TransformContext = {}): CellTransform {
  if (typeof t === 'string') {
    switch (t) {
      case 'trim':
        return (s) => s.trim();
      case 'upper':
        return (s) => s.toUpperCase();
      case 'lower':
        return (s) => s.toLowerCase();
      case 'float_id':
        // Spreadsheet exports write integer ids as floats: 17850.0 is customer 17850.
        return (s) => {
          const m = /^\s*([+-]?\d+)(?:\.0*)?\s*$/.exec(s);
          return (
            m?.[1] ?? {
              rule: 'mapping_float_id',
              message: `"${s}" is not an id written as a number such as 17850.0`,
            }
          );
        };
      case 'decimal_comma':
        return (s) => (s.includes(',') ? s.replace(/\./g, '').replace(',', '.') : s);
      case 'negate':
        return (s) => {
          const n = numeric(s, 'mapping_number');
          return isCellProblem(n) ? n : formatNumber(-n);
        };
      case 'abs':
        return (s) => {
          const n = numeric(s, 'mapping_number');
          return isCellProblem(n) ? n : formatNumber(Math.abs(n));
        };
      case 'date_only':
        return (s) =>
          /^\d{4}-\d{2}-\d{2}/.test(s)
            ? s.slice(0, 10)
            : { rule: 'mapping_date', message: `"${s}" does not start with a date` };
    }
  }
  if ('date' in t) return compileDatePattern(t.date, t.to);
  if ('map' in t) {
    const codes = new Map(Object.entries(t.map));
    return (s) => {
      const mapped = codes.get(s);
      if (mapped !== undefined) return mapped;
      if (t.otherwise === 'keep') return s;
      if (t.otherwise === 'empty') return '';
      return { rule: 'mapping_code', message: `code "${s}" has no mapping` };
    };
  }
  if ('multiply' in t) {
    return (s) => {
      const n = numeric(s, 'mapping_number');
      return isCellProblem(n) ? n : formatNumber(n * t.multiply);
    };
  }
  if ('divideBy' in t) {
    return (s, cells) => {
      const n = numeric(s, 'mapping_number');
      const d = numeric(cells[t.divideBy] ?? '', 'mapping_number');
      if (isCellProblem(n)) return n;
      if (isCellProblem(d) || d === 0) {
        return {
          rule: 'mapping_arithmetic',
          message: `cannot divide by ${t.divideBy} = "${cells[t.divideBy] ?? ''}"`,
        };
      }
      return formatNumber(n / d);
    };
  }
  if ('prefix' in t) return (s) => `${t.prefix}${s}`;
  if ('hash' in t) {
    const key = context.piiKey;
    if (!key)
      throw new Error('the mapping hashes personal data, but this deployment has no PII hash key configured');
    // Keyed, so a hash cannot be reversed by hashing a list of known e-mails without the key.
    return (s) => createHmac('sha256', key).update(NORMALISE[t.hash](s)).digest('hex');
  }
  return (s) => addDays(s, t.addDays);
}
