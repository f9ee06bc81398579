import { describe, expect, it } from 'vitest';
import type { Contract } from '#shared/domain/contracts/contract';
import { contractFor, type DatasetName } from '#shared/domain/contracts/datasets';
import { checkHeader, type HeaderLayout, isRejection, NO_COLUMNS } from '#shared/domain/intake/header-check';
import { recordFromFields } from '#shared/domain/intake/readers/csv';
import type { SourceRecord } from '#shared/domain/intake/readers/record-source';
import {
  type RowOutcome,
  recordValidator,
  validateRecord as validateOnce,
} from '#shared/domain/intake/row-validator';

/** The contract, the layout of a file with this header, and how its reader hands over a row of fields. */
function setup(
  dataset: DatasetName,
  header: readonly string[],
): { contract: Contract; layout: HeaderLayout; read: (fields: readonly string[]) => SourceRecord } {
  const contract = contractFor(dataset);
  const layout = checkHeader(contract, `${dataset}.csv`, header);
  if (isRejection(layout)) throw new Error(layout.message);
  return { contract, layout, read: (fields) => recordFromFields(header, 2, fields) };
}

/** Every column of the contract, in contract order: the header of a complete file. */
const headerOf = (dataset: DatasetName): string[] => contractFor(dataset).columns.map((c) => c.name);

/** The fields of a complete-file row: the given cells, '' for the others. */
const fieldsOf = (dataset: DatasetName, cells: Record<string, string>): string[] =>
  headerOf(dataset).map((name) => cells[name] ?? '');

const CUSTOMER_HEADER = [
  'customer_id',
  'signup_date',
  'region',
  'branch',
  'birth_year',
  'gender',
  'consent_email',
  'consent_sms',
  'consent_push',
  'consent_direct_mail',
  'consent_call_centre',
];

/** An outcome as plain data: the compiled validator assembles the raw record only when asked. */
function plain(outcome: RowOutcome): RowOutcome {
  return outcome.ok
    ? { ok: true, row: outcome.row, record: outcome.record }
    : { ok: false, issues: outcome.issues, record: outcome.record };
}

type Validate = typeof validateOnce;
const IMPLEMENTATIONS: [string, Validate][] = [
  ['validateRecord', (contract, layout, source) => plain(validateOnce(contract, layout, source))],
  // The bulk path: compiled once per file, it must give exactly the same outcomes.
  ['recordValidator', (contract, layout, source) => plain(recordValidator(contract, layout)(source))],
];

describe.each(IMPLEMENTATIONS)('%s', (_name, validateRecord) => {
  it('accepts a good row and returns the typed row and the raw record by column', () => {
    const { contract, layout, read } = setup('customers', CUSTOMER_HEADER);
    const fields = ['C1', '2024-05-01', 'North', '', '1980', 'F', 'yes', 'no', '', '1', '0'];
    expect(validateRecord(contract, layout, read(fields))).toEqual({
      ok: true,
      row: {
        customer_id: 'C1',
        signup_date: '2024-05-01',
        region: 'North',
        branch: null,
        birth_year: 1980,
        gender: 'f',
        consent_email: true,
        consent_sms: false,
        consent_push: null,
        consent_direct_mail: true,
        consent_call_centre: false,
        // Not in this file's header: an optional column reads as null.
        attributes: null,
      },
      record: Object.fromEntries(CUSTOMER_HEADER.map((h, i) => [h, fields[i]])),
    });
  });

  it('ignores the fields of unknown columns, in the row and in the record', () => {
    const { contract, layout, read } = setup('channels', ['note', ...headerOf('channels')]);
    const outcome = validateRecord(
      contract,
      layout,
      read(['free text', 'email', '0.02', '1000', '08:00', '']),
    );
    expect(outcome.ok).toBe(true);
    expect(outcome.record).toEqual({
      channel_id: 'email',
      cost_per_contact: '0.02',
      capacity_per_day: '1000',
      send_window_start: '08:00',
      send_window_end: '',
    });
    if (outcome.ok) expect(outcome.row).not.toHaveProperty('note');
  });

  // checkHeader accepts a file without its optional columns, but the row schema (zod 4 object of
  // union-with-undefined columns) refuses an absent key with 'invalid_type' ("expected nonoptional").
  it('accepts rows of a file that leaves out optional columns, reading them as null', () => {
    const { contract, layout, read } = setup('customers', ['customer_id', 'signup_date', 'region']);
    const outcome = validateRecord(contract, layout, read(['C1', '2024-05-01', 'North']));
    expect(outcome.ok ? [] : outcome.issues.map((i) => `${i.column}:${i.rule}`)).toEqual([]);
    expect(outcome.ok && outcome.row).toMatchObject({ customer_id: 'C1', branch: null, consent_email: null });
  });

  it("refuses a short row with one 'column_count' issue, keeping what it had", () => {
    const { contract, layout, read } = setup('channels', [
      'channel_id',
      'cost_per_contact',
      'capacity_per_day',
    ]);
    const outcome = validateRecord(contract, layout, read(['email', '0.02']));
    expect(outcome).toEqual({
      ok: false,
      record: { channel_id: 'email', cost_per_contact: '0.02', capacity_per_day: '' },
      issues: [
        {
          column: '*',
          value: null,
          rule: 'column_count',
          message: 'has 2 fields where the header has 3; check the delimiter and quoting',
        },
      ],
    });
  });

  it("refuses a long row with 'column_count' even when the known cells are valid", () => {
    const { contract, layout, read } = setup('channels', [
      'channel_id',
      'cost_per_contact',
      'capacity_per_day',
    ]);
    const outcome = validateRecord(contract, layout, read(['email', '0', '02', '1000']));
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? [] : outcome.issues.map((i) => i.rule)).toEqual(['column_count']);
  });

  it('reports every bad cell of a row with its column, raw value, rule and message', () => {
    const { contract, layout, read } = setup('customers', CUSTOMER_HEADER);
    const fields = ['', '2025-02-30', 'North', '', '1850', 'z', 'perhaps', '', '', '', ''];
    const outcome = validateRecord(contract, layout, read(fields));
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? [] : outcome.issues).toEqual([
      { column: 'customer_id', value: '', rule: 'required', message: 'required value is empty' },
      {
        column: 'signup_date',
        value: '2025-02-30',
        rule: 'iso_date',
        message: 'must be a calendar date as YYYY-MM-DD',
      },
      { column: 'birth_year', value: '1850', rule: 'minimum', message: 'must be at least 1900' },
      { column: 'gender', value: 'z', rule: 'allowed_values', message: 'must be one of f, m, x, u' },
      {
        column: 'consent_email',
        value: 'perhaps',
        rule: 'boolean',
        message: 'must be true/false, 1/0 or yes/no',
      },
    ]);
  });

  it("reports a broken row rule under the rule's column with the raw value", () => {
    const { contract, layout, read } = setup('offers', headerOf('offers'));
    const outcome = validateRecord(
      contract,
      layout,
      read(
        fieldsOf('offers', {
          offer_id: 'O1',
          name: 'Spring',
          kind: 'percent_off',
          discount_pct: '10',
          valid_from: '2026-03-10',
          valid_to: '2026-03-01',
        }),
      ),
    );
    expect(outcome.ok ? [] : outcome.issues).toEqual([
      {
        column: 'valid_to',
        value: '2026-03-01',
        rule: 'validity_window',
        message: 'must not be before valid_from',
      },
    ]);
  });

  it('reports a treatment contact without offer under offer_id', () => {
    const { contract, layout, read } = setup('contacts', headerOf('contacts'));
    const outcome = validateRecord(
      contract,
      layout,
      read(
        fieldsOf('contacts', {
          contact_id: 'K1',
          campaign_id: 'CMP',
          customer_id: 'C1',
          channel_id: 'email',
          sent_at: '2026-01-01 10:00',
          group: 'treatment',
        }),
      ),
    );
    expect(outcome.ok ? [] : outcome.issues).toEqual([
      {
        column: 'offer_id',
        value: '',
        rule: 'treatment_has_offer',
        message: 'a treatment contact needs an offer_id and a channel_id',
      },
    ]);
  });

  it('checks row rules only once every cell is valid', () => {
    const { contract, layout, read } = setup('transactions', headerOf('transactions'));
    const zeroQuantity = {
      line_id: 'L1',
      transaction_id: 'T1',
      customer_id: 'C1',
      ts: '2026-01-01T10:00',
      product_id: 'P1',
      quantity: '0',
      unit_price: '2',
      sales_channel: 'online',
    };
    expect(validateRecord(contract, layout, read(fieldsOf('transactions', zeroQuantity)))).toMatchObject({
      ok: false,
      issues: [{ column: 'quantity', value: '0', rule: 'nonzero_quantity' }],
    });
    const alsoBadPrice = fieldsOf('transactions', { ...zeroQuantity, unit_price: '-2' });
    const outcome = validateRecord(contract, layout, read(alsoBadPrice));
    expect(outcome.ok ? [] : outcome.issues.map((i) => i.rule)).toEqual(['minimum']);
  });

  it('reads each column from the source name it was matched to, blanks around the header name included', () => {
    const { contract, layout } = setup('channels', [' channel_id ', 'cost_per_contact', 'capacity_per_day ']);
    const record: SourceRecord = {
      line: 2,
      values: { ' channel_id ': 'email', cost_per_contact: '0.02', 'capacity_per_day ': '1000' },
    };
    const outcome = validateRecord(contract, layout, record);
    expect(outcome.ok).toBe(true);
    expect(outcome.record).toEqual({
      channel_id: 'email',
      cost_per_contact: '0.02',
      capacity_per_day: '1000',
    });
  });

  // Adjacent text columns: a field read from the wrong position would still parse, so only the
  // values show whether each column was read from its own place in the header.
  it('reads every field from its own position in the header, in any column order', () => {
    const { contract, layout, read } = setup('customers', ['branch', 'customer_id', 'region']);
    const outcome = validateRecord(contract, layout, read(['B7', 'C1', 'North']));
    expect(outcome.ok && outcome.row).toMatchObject({ customer_id: 'C1', region: 'North', branch: 'B7' });
    const reordered = setup('customers', ['customer_id', 'region', 'branch']);
    const again = validateRecord(reordered.contract, reordered.layout, reordered.read(['C1', 'North', 'B7']));
    expect(again.ok && again.row).toMatchObject({ customer_id: 'C1', region: 'North', branch: 'B7' });
  });

  it('takes a contract column a record carries beyond the layout, as a later JSON object may', () => {
    const { contract, layout } = setup('channels', ['channel_id', 'cost_per_contact', 'capacity_per_day']);
    const record: SourceRecord = {
      line: 3,
      values: {
        channel_id: 'sms',
        cost_per_contact: '0.05',
        capacity_per_day: '10',
        send_window_start: '09:00',
        note: 'x',
      },
    };
    const outcome = validateRecord(contract, layout, record);
    expect(outcome.record).toEqual({
      channel_id: 'sms',
      cost_per_contact: '0.05',
      capacity_per_day: '10',
      send_window_start: '09:00',
    });
    expect(outcome.ok && outcome.row.send_window_start).toBe('09:00');
  });

  it('reads a key a record lacks as an empty cell: a required one is refused as required', () => {
    const { contract, layout } = setup('channels', ['channel_id', 'cost_per_contact', 'capacity_per_day']);
    const record: SourceRecord = { line: 4, values: { channel_id: 'sms', capacity_per_day: '10' } };
    const outcome = validateRecord(contract, layout, record);
    expect(outcome.record).toEqual({ channel_id: 'sms', cost_per_contact: '', capacity_per_day: '10' });
    expect(outcome.ok ? [] : outcome.issues.map((i) => `${i.column}:${i.rule}`)).toEqual([
      'cost_per_contact:required',
    ]);
  });

  it("refuses a record with a reading problem under the problem's rule, showing only the cells it had", () => {
    const { contract, layout } = setup('channels', ['channel_id', 'cost_per_contact', 'capacity_per_day']);
    const broken: SourceRecord = {
      line: 5,
      values: {},
      problem: {
        rule: 'json',
        message: 'is not valid JSON: Unexpected token',
        value: '{"channel_id": "sms",',
      },
    };
    expect(validateRecord(contract, layout, broken)).toEqual({
      ok: false,
      record: {},
      issues: [
        {
          column: '*',
          value: '{"channel_id": "sms",',
          rule: 'json',
          message: 'is not valid JSON: Unexpected token',
        },
      ],
    });
    const badText: SourceRecord = {
      line: 6,
      values: { channel_id: 'sms', cost_per_contact: '0.05', capacity_per_day: '10' },
      problem: {
        rule: 'encoding',
        column: 'channel_id',
        message: 'channel_id holds bytes that are not UTF-8 text',
      },
    };
    expect(validateRecord(contract, layout, badText)).toMatchObject({
      ok: false,
      record: { channel_id: 'sms', cost_per_contact: '0.05', capacity_per_day: '10' },
      issues: [{ column: 'channel_id', value: null, rule: 'encoding' }],
    });
  });

  it('judges every row alone in a file without column names', () => {
    const contract = contractFor('channels');
    const outcome = validateRecord(contract, NO_COLUMNS, { line: 1, values: { channel_id: 'sms' } });
    expect(outcome.record).toEqual({ channel_id: 'sms' });
    expect(outcome.ok ? [] : outcome.issues.map((i) => `${i.column}:${i.rule}`)).toEqual([
      'cost_per_contact:required',
      'capacity_per_day:required',
    ]);
  });
});
