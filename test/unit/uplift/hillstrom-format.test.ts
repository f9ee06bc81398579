import { describe, expect, it } from 'vitest';
import { HillstromFormatError } from '../../../shared/domain/uplift/errors';
import { HILLSTROM_FEATURES, hillstromFeatureMatrix } from '../../../shared/domain/uplift/hillstrom-features';
import { parseHillstrom } from '../../../shared/domain/uplift/hillstrom-format';

const HEADER =
  'recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,conversion,spend';
const GOOD = [
  '10,2) $100 - $200,142.44,1,0,Surburban,0,Phone,Womens E-Mail,0,0,0',
  '6,3) $200 - $350,329.08,1,1,Rural,1,Web,No E-Mail,1,1,29.99',
  '9,5) $500 - $750,675.83,1,0,Urban,1,Multichannel,Mens E-Mail,1,0,0',
];

function parseWith(...lines: string[]) {
  return parseHillstrom([HEADER, ...lines].join('\n'));
}

function errorOf(run: () => unknown): HillstromFormatError {
  try {
    run();
  } catch (error) {
    if (error instanceof HillstromFormatError) return error;
    throw error;
  }
  throw new Error('expected a HillstromFormatError');
}

describe('parseHillstrom', () => {
  it('reads typed rows, the arm numbered 0 = No E-Mail, 1 = Mens, 2 = Womens', () => {
    const rows = parseWith(...GOOD);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      recency: 10,
      historyBand: 2,
      history: 142.44,
      mens: 1,
      womens: 0,
      zipCode: 'Surburban',
      newbie: 0,
      channel: 'Phone',
      segment: 'Womens E-Mail',
      arm: 2,
      visit: 0,
      conversion: 0,
      spend: 0,
    });
    expect(rows.map((r) => r.arm)).toEqual([2, 0, 1]);
    expect(rows[1]?.spend).toBe(29.99);
  });

  it('accepts a byte-order mark, CRLF line ends and a trailing newline', () => {
    expect(parseHillstrom(`\uFEFF${[HEADER, ...GOOD].join('\r\n')}\r\n`)).toHaveLength(3);
  });

  it('names the line and field of a bad treatment', () => {
    const error = errorOf(() => parseWith(GOOD[0] ?? '', GOOD[1]?.replace('No E-Mail', 'No Email') ?? ''));
    expect(error.line).toBe(3);
    expect(error.field).toBe('segment');
    expect(error.message).toMatch(/line 3, field segment = "No Email"/);
    expect(error.cause).toBeDefined();
  });

  it('names the line and field of an outcome that is not 0/1 and of a recency out of range', () => {
    expect(errorOf(() => parseWith(GOOD[0]?.replace(/0,0,0$/, '2,0,0') ?? '')).message).toMatch(
      /line 2, field visit = "2"/,
    );
    expect(errorOf(() => parseWith(`13${GOOD[0]?.slice(2)}`)).message).toMatch(
      /line 2, field recency = "13"/,
    );
    expect(errorOf(() => parseWith(GOOD[0]?.replace('142.44', 'abc') ?? '')).field).toBe('history');
  });

  it('rejects a row with a missing field and a foreign header', () => {
    expect(errorOf(() => parseWith(GOOD[0] ?? '', '10,2) $100 - $200,142.44')).message).toMatch(
      /line 3 has 3 fields, expected 12/,
    );
    expect(errorOf(() => parseHillstrom(`${HEADER.replace('segment,', 'arm,')}\n${GOOD[0]}`)).line).toBe(1);
  });
});

describe('hillstromFeatureMatrix', () => {
  it('encodes numbers as they are, history on a log scale, and zip code and channel one-hot', () => {
    const matrix = hillstromFeatureMatrix(parseWith(...GOOD));
    expect(matrix.featureCount).toBe(HILLSTROM_FEATURES.length);
    const first = Array.from(matrix.features.subarray(0, matrix.featureCount));
    const expected = [10, Math.log1p(142.44), 2, 1, 0, 0, 0, 1, 0, 0, 1, 0];
    first.forEach((value, i) => {
      expect(value, HILLSTROM_FEATURES[i]).toBeCloseTo(expected[i] ?? Number.NaN, 5);
    });
  });
});
