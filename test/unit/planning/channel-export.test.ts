import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  channelExportCsv,
  channelExportKey,
  csvSafeCell,
  type ExportRecipient,
} from '#shared/domain/planning/channel-export';

// papaparse is not a dependency of the project; csv-parse is, and reads RFC 4180 as strictly.
const readCsv = (text: string): string[][] => parse(text, { relax_column_count: false });

const recipients: ExportRecipient[] = [
  {
    customerId: 'c-1',
    offerId: 'o-10',
    offerName: 'Winter, "best" deal',
    discountPct: 15,
    sendDate: '2026-11-23',
    sendWindow: '18-21',
    personal: { email: 'ann@example.com', phone: '+44 20 7946 0000' },
  },
  {
    customerId: '=HYPERLINK("http://evil.example","x")',
    offerId: 'o-11',
    offerName: 'line one\nline two',
    discountPct: 7.5,
    sendDate: '2026-11-23',
    sendWindow: '',
  },
];

describe('csvSafeCell', () => {
  it('neutralises every formula prefix with an apostrophe', () => {
    expect(csvSafeCell('=1+2')).toBe("'=1+2");
    expect(csvSafeCell('+1')).toBe("'+1");
    expect(csvSafeCell('-1')).toBe("'-1");
    expect(csvSafeCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvSafeCell('\tcmd')).toBe("'\tcmd");
    expect(csvSafeCell('\rcmd')).toBe(`"'\rcmd"`);
  });

  it('also neutralises a prefix after leading spaces, which some spreadsheets skip', () => {
    expect(csvSafeCell('  =1+2')).toBe("'  =1+2");
    expect(csvSafeCell(' \t@x')).toBe("' \t@x");
    expect(csvSafeCell('  plain')).toBe('  plain');
  });

  it('leaves ordinary text and formula characters inside a cell alone', () => {
    expect(csvSafeCell('Winter sale')).toBe('Winter sale');
    expect(csvSafeCell('a=b')).toBe('a=b');
    expect(csvSafeCell('18-21')).toBe('18-21');
    expect(csvSafeCell('')).toBe('');
  });

  it('keeps numbers numeric, negative ones too: a number is not an injection', () => {
    expect(csvSafeCell(-5)).toBe('-5');
    expect(csvSafeCell(12.5)).toBe('12.5');
    expect(csvSafeCell(0)).toBe('0');
    expect(() => csvSafeCell(Number.NaN)).toThrow(RangeError);
    expect(() => csvSafeCell(Number.NEGATIVE_INFINITY)).toThrow(RangeError);
  });

  it('quotes commas, quotes and line breaks as RFC 4180 says', () => {
    expect(csvSafeCell('a,b')).toBe('"a,b"');
    expect(csvSafeCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvSafeCell('a\nb')).toBe('"a\nb"');
    expect(csvSafeCell('a\r\nb')).toBe('"a\r\nb"');
    expect(csvSafeCell('=a,"b"')).toBe(`"'=a,""b"""`);
  });
});

describe('channelExportCsv', () => {
  it('writes a header and one CRLF-ended line per recipient, with no personal data by default', () => {
    const csv = channelExportCsv('email', recipients, { allowPersonalData: false });
    expect(csv.startsWith('customer_id,offer_id,offer_name,discount_pct,send_date,send_window\r\n')).toBe(
      true,
    );
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).not.toContain('example.com');
    expect(csv).not.toContain('7946');
    expect(readCsv(csv)).toEqual([
      ['customer_id', 'offer_id', 'offer_name', 'discount_pct', 'send_date', 'send_window'],
      ['c-1', 'o-10', 'Winter, "best" deal', '15', '2026-11-23', '18-21'],
      ['\'=HYPERLINK("http://evil.example","x")', 'o-11', 'line one\nline two', '7.5', '2026-11-23', ''],
    ]);
  });

  it('ignores the personal fields asked for unless personal data is allowed', () => {
    const csv = channelExportCsv('sms', recipients, { allowPersonalData: false, personalFields: ['phone'] });
    expect(readCsv(csv)[0]).toHaveLength(6);
    expect(csv).not.toContain('7946');
  });

  it('adds the allowed personal fields, defused and in the order asked', () => {
    const csv = channelExportCsv('sms', recipients, { allowPersonalData: true, personalFields: ['phone'] });
    const rows = readCsv(csv);
    expect(rows[0]?.at(-1)).toBe('phone');
    // A phone number in international form starts with '+', so it is exported as text.
    expect(rows[1]?.at(-1)).toBe("'+44 20 7946 0000");
    expect(rows[2]?.at(-1)).toBe('');
    expect(csv).not.toContain('example.com');
  });

  it('without a field list, exports every personal field a recipient carries, sorted', () => {
    const rows = readCsv(channelExportCsv('email', recipients, { allowPersonalData: true }));
    expect(rows[0]?.slice(6)).toEqual(['email', 'phone']);
    expect(rows[1]?.slice(6)).toEqual(['ann@example.com', "'+44 20 7946 0000"]);
    expect(rows[2]?.slice(6)).toEqual(['', '']);
  });

  it('refuses a personal field that repeats a column and a channel id outside [a-z_]+', () => {
    expect(() =>
      channelExportCsv('push', recipients, { allowPersonalData: true, personalFields: ['offer_id'] }),
    ).toThrow(/repeat/);
    expect(() => channelExportCsv('../x', recipients, { allowPersonalData: false })).toThrow(/channel id/);
  });

  it('writes only the header when nobody is reached on the channel', () => {
    expect(channelExportCsv('push', [], { allowPersonalData: false })).toBe(
      'customer_id,offer_id,offer_name,discount_pct,send_date,send_window\r\n',
    );
  });
});

describe('channelExportKey', () => {
  it('names the file after the channel under the run prefix', () => {
    expect(channelExportKey('exports/run-1/', 'email')).toBe('exports/run-1/email.csv');
    expect(channelExportKey('exports/run-1/', 'direct_mail')).toBe('exports/run-1/direct_mail.csv');
  });

  it('refuses channel ids that could leave the folder or are not [a-z_]+', () => {
    for (const id of ['../x', 'a/b', '.', '', 'Email', 'sms.csv', 'push-1', 'e mail']) {
      expect(() => channelExportKey('exports/run-1/', id)).toThrow(/channel id/);
    }
  });
});
