/**
 * Reader for the MineThatData e-mail test (K. Hillstrom, 2008): CSV text in, typed rows out, so the
 * scorecard and the tests parse it the same way and the domain still does no I/O (the caller gunzips).
 */
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { HillstromFormatError } from './errors';

export const HILLSTROM_COLUMNS = [
  'recency',
  'history_segment',
  'history',
  'mens',
  'womens',
  'zip_code',
  'newbie',
  'channel',
  'segment',
  'visit',
  'conversion',
  'spend',
] as const;

/** The three arms of the test, in the order models number them: 0 = control. */
export const HILLSTROM_SEGMENTS = ['No E-Mail', 'Mens E-Mail', 'Womens E-Mail'] as const;
export type HillstromSegment = (typeof HILLSTROM_SEGMENTS)[number];

// "Surburban" is the file's own spelling; accepting "Suburban" too would hide a different export.
export const ZIP_CODES = ['Urban', 'Surburban', 'Rural'] as const;
export const CHANNELS = ['Web', 'Phone', 'Multichannel'] as const;

const binary = z.enum(['0', '1']).transform(Number);
const number = z
  .string()
  .trim()
  .min(1, 'is empty')
  .transform(Number)
  .refine(Number.isFinite, 'is not a number');

const rowSchema = z.object({
  recency: number.pipe(z.number().int('is not a whole number of months').min(1).max(12)),
  // e.g. "2) $100 - $200": the ordinal before the parenthesis orders the seven bands.
  history_segment: z
    .string()
    .regex(/^[1-7]\) /, 'is not one of the bands "1) $0 - $100" .. "7) $1,000 +"')
    .transform((band) => Number(band[0])),
  history: number.pipe(z.number().min(0, 'is negative')),
  mens: binary,
  womens: binary,
  zip_code: z.enum(ZIP_CODES),
  newbie: binary,
  channel: z.enum(CHANNELS),
  segment: z.enum(HILLSTROM_SEGMENTS),
  visit: binary,
  conversion: binary,
  spend: number.pipe(z.number().min(0, 'is negative')),
});

export interface HillstromRow {
  /** Months since the last purchase, 1..12. */
  readonly recency: number;
  /** 1..7, the ordinal of the file's history_segment band. */
  readonly historyBand: number;
  /** Dollars spent in the past year. */
  readonly history: number;
  readonly mens: 0 | 1;
  readonly womens: 0 | 1;
  readonly zipCode: (typeof ZIP_CODES)[number];
  readonly newbie: 0 | 1;
  readonly channel: (typeof CHANNELS)[number];
  readonly segment: HillstromSegment;
  /** 0 = No E-Mail, 1 = Mens E-Mail, 2 = Womens E-Mail (the index in HILLSTROM_SEGMENTS). */
  readonly arm: 0 | 1 | 2;
  readonly visit: 0 | 1;
  readonly conversion: 0 | 1;
  readonly spend: number;
}

/**
 * Parses the whole file. Every row is checked, because a shifted column (a comma in a band label, a
 * segment spelt differently) would otherwise become a silently wrong treatment or outcome.
 *
 * @throws HillstromFormatError naming the line and field of the first bad value, or the header.
 */
export function parseHillstrom(text: string): HillstromRow[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (error) {
    throw new HillstromFormatError('the Hillstrom file is not readable CSV', {}, { cause: error });
  }
  const [header, ...body] = records;
  const expected = HILLSTROM_COLUMNS.join(',');
  if (header?.join(',') !== expected) {
    throw new HillstromFormatError(`the Hillstrom header is ${header?.join(',')}, expected ${expected}`, {
      line: 1,
    });
  }
  return body.map((fields, index) => {
    const line = index + 2;
    if (fields.length !== HILLSTROM_COLUMNS.length) {
      throw new HillstromFormatError(
        `Hillstrom line ${line} has ${fields.length} fields, expected ${HILLSTROM_COLUMNS.length}`,
        { line },
      );
    }
    const parsed = rowSchema.safeParse(Object.fromEntries(HILLSTROM_COLUMNS.map((c, i) => [c, fields[i]])));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = String(issue?.path[0] ?? '?');
      const value = fields[HILLSTROM_COLUMNS.indexOf(field as (typeof HILLSTROM_COLUMNS)[number])];
      throw new HillstromFormatError(
        `Hillstrom line ${line}, field ${field} = ${JSON.stringify(value)}: ${issue?.message ?? 'invalid'}`,
        { line, field },
        { cause: parsed.error },
      );
    }
    const r = parsed.data;
    return {
      recency: r.recency,
      historyBand: r.history_segment,
      history: r.history,
      mens: r.mens as 0 | 1,
      womens: r.womens as 0 | 1,
      zipCode: r.zip_code,
      newbie: r.newbie as 0 | 1,
      channel: r.channel,
      segment: r.segment,
      arm: HILLSTROM_SEGMENTS.indexOf(r.segment) as 0 | 1 | 2,
      visit: r.visit as 0 | 1,
      conversion: r.conversion as 0 | 1,
      spend: r.spend,
    };
  });
}
