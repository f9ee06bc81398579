import { describe, expect, it } from 'vitest';
import { daysFromCivil } from '#shared/domain/calendar';
import { CDNOW_START_DAY, parseCdnowSample, parseCdnowSummary } from '#shared/domain/clv/cdnow-format';
import { InvalidHistoryError } from '#shared/domain/clv/errors';

describe('parseCdnowSample', () => {
  it('reads sample id, day and dollars from CRLF lines, dropping leading zeros from the id', () => {
    const text = ' 00004 0001 19970101  2   29.33\r\n 00004 0001 19970802  1   14.96\r\n';
    expect(parseCdnowSample(text)).toEqual([
      { customerId: '1', day: CDNOW_START_DAY, value: 29.33 },
      { customerId: '1', day: daysFromCivil(1997, 8, 2), value: 14.96 },
    ]);
  });

  it('throws InvalidHistoryError naming the line of a malformed row', () => {
    expect(() => parseCdnowSample(' 00004 0001 19970101  2   29.33\n 00004 0001 1997-01-02 1 3\n')).toThrow(
      /line 2/,
    );
    expect(() => parseCdnowSample('1 2 3')).toThrow(InvalidHistoryError);
  });
});

describe('parseCdnowSummary', () => {
  it('reads ID, frequency, recency and T', () => {
    expect(parseCdnowSummary('ID,frequency,recency,T\n1,2,30.43,38.86\n3,0,0.0,38.86\n')).toEqual([
      { customerId: '1', frequency: 2, recency: 30.43, T: 38.86 },
      { customerId: '3', frequency: 0, recency: 0, T: 38.86 },
    ]);
  });

  it('throws InvalidHistoryError on another header or a non-numeric field', () => {
    expect(() => parseCdnowSummary('id,x\n1,2\n')).toThrow(InvalidHistoryError);
    expect(() => parseCdnowSummary('ID,frequency,recency,T\n1,two,3,4\n')).toThrow(/line 2/);
  });
});
