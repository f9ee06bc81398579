import { describe, expect, it } from 'vitest';
import { column, ruleOfIssue } from '#shared/domain/contracts/column';
import { type AnyRow, type Contract, defineContract } from '#shared/domain/contracts/contract';
import {
  channelsContract,
  contactsContract,
  contractFor,
  contracts,
  customersContract,
  DATASET_NAMES,
  type DatasetName,
  offersContract,
  productsContract,
  REQUIRED_DATASETS,
  responsesContract,
  transactionsContract,
} from '#shared/domain/contracts/datasets';

/** Parses a raw record and applies the row rules; returns the typed row or every broken rule. */
function check(contract: Contract, record: Record<string, string>): { row?: AnyRow; rules: string[] } {
  const parsed = contract.rowSchema.safeParse(record);
  if (!parsed.success) return { rules: parsed.error.issues.map(ruleOfIssue) };
  const row = parsed.data as AnyRow;
  return { row, rules: contract.rowRules.filter((r) => !r.holds(row as never)).map((r) => r.rule) };
}

describe('defineContract', () => {
  const contract = defineContract({
    dataset: 'widgets',
    version: 3,
    description: 'Widgets.',
    columns: {
      widget_id: column.id({ description: 'Id.' }),
      weight: column.decimal({ description: 'Weight.', min: 0 }),
      colour: column.enumeration(['red', 'blue'], { description: 'Colour.', optional: true }),
      made_on: column.date({ description: 'Day made.', optional: true }),
    },
  });

  it('lists the columns in declaration order with storage, required flag, description and constraint', () => {
    expect(contract.dataset).toBe('widgets');
    expect(contract.version).toBe(3);
    expect(contract.columns).toEqual([
      {
        name: 'widget_id',
        storage: 'string',
        required: true,
        description: 'Id.',
        constraint: 'text, at most 64 characters, no control characters',
      },
      {
        name: 'weight',
        storage: 'double',
        required: true,
        description: 'Weight.',
        constraint: 'number with a dot as decimal separator of at least 0',
      },
      {
        name: 'colour',
        storage: 'string',
        required: false,
        description: 'Colour.',
        constraint: 'one of red, blue (any case)',
      },
      {
        name: 'made_on',
        storage: 'date',
        required: false,
        description: 'Day made.',
        constraint: 'date as YYYY-MM-DD',
      },
    ]);
  });

  it('derives requiredColumns from the columns that are not optional', () => {
    expect(contract.requiredColumns).toEqual(['widget_id', 'weight']);
  });

  it('has no row rules unless given', () => {
    expect(contract.rowRules).toEqual([]);
  });

  it('parses a record of strings into typed values, empty optional cells as null', () => {
    const parsed = contract.rowSchema.parse({ widget_id: 'W1', weight: '2.5', colour: 'RED', made_on: '' });
    expect(parsed).toEqual({ widget_id: 'W1', weight: 2.5, colour: 'red', made_on: null });
  });

  it('treats an absent optional column as null', () => {
    expect(contract.rowSchema.parse({ widget_id: 'W1', weight: '1' })).toEqual({
      widget_id: 'W1',
      weight: 1,
      colour: null,
      made_on: null,
    });
  });

  it('reports one issue per bad column, each under its column name', () => {
    const result = contract.rowSchema.safeParse({
      widget_id: '',
      weight: '-1',
      colour: 'green',
      made_on: 'x',
    });
    expect(result.success).toBe(false);
    const issues = (result.error?.issues ?? []).map((i) => ({ column: i.path[0], rule: ruleOfIssue(i) }));
    expect(issues).toEqual([
      { column: 'widget_id', rule: 'required' },
      { column: 'weight', rule: 'minimum' },
      { column: 'colour', rule: 'allowed_values' },
      { column: 'made_on', rule: 'iso_date' },
    ]);
  });
});

describe('dataset contracts: the registry', () => {
  it('has one contract per dataset name, each named after its key', () => {
    expect(DATASET_NAMES).toEqual([
      'customers',
      'products',
      'transactions',
      'offers',
      'channels',
      'contacts',
      'responses',
    ]);
    for (const name of DATASET_NAMES) {
      expect(contractFor(name).dataset).toBe(name);
      expect(contractFor(name)).toBe(contracts[name]);
    }
  });

  it('requires every dataset in a batch', () => {
    expect([...REQUIRED_DATASETS].sort()).toEqual([...DATASET_NAMES].sort());
  });
});

const EXAMPLES: Record<DatasetName, { record: Record<string, string>; row: AnyRow }> = {
  customers: {
    record: {
      customer_id: 'C1',
      signup_date: '2024-05-01',
      region: 'North',
      branch: '',
      birth_year: '1980',
      gender: 'F',
      consent_email: 'yes',
      consent_sms: '0',
      consent_push: '',
      consent_direct_mail: 'TRUE',
      consent_call_centre: 'n',
      attributes: '{"tier":"gold"}',
    },
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
      attributes: '{"tier":"gold"}',
    },
  },
  products: {
    record: { product_id: 'P1', category: 'Garden', subcategory: '', price: '19.90', unit_cost: '11' },
    row: { product_id: 'P1', category: 'Garden', subcategory: null, price: 19.9, unit_cost: 11 },
  },
  transactions: {
    record: {
      line_id: 'L1',
      transaction_id: 'T1',
      customer_id: 'C1',
      ts: '2026-02-01T10:15:00+01:00',
      product_id: 'P1',
      quantity: '-2',
      unit_price: '19.90',
      discount: '',
      branch: 'B7',
      sales_channel: 'Online',
    },
    row: {
      line_id: 'L1',
      transaction_id: 'T1',
      customer_id: 'C1',
      ts: Date.UTC(2026, 1, 1, 9, 15),
      product_id: 'P1',
      quantity: -2,
      unit_price: 19.9,
      discount: null,
      branch: 'B7',
      sales_channel: 'online',
    },
  },
  offers: {
    record: {
      offer_id: 'O1',
      name: '10% off garden',
      kind: 'percent_off',
      target_category: 'Garden',
      target_product_id: '',
      discount_pct: '10',
      discount_levels: '15; 5;10',
      eligibility: '{"min_recency_days":45,"max_recency_days":180}',
      valid_from: '2026-03-01',
      valid_to: '2026-03-01',
      max_volume: '',
    },
    row: {
      offer_id: 'O1',
      name: '10% off garden',
      kind: 'percent_off',
      target_category: 'Garden',
      target_product_id: null,
      discount_pct: 10,
      discount_levels: '5;10;15',
      eligibility: '{"min_recency_days":45,"max_recency_days":180}',
      valid_from: '2026-03-01',
      valid_to: '2026-03-01',
      max_volume: null,
    },
  },
  channels: {
    record: {
      channel_id: 'email',
      cost_per_contact: '0.02',
      capacity_per_day: '50000',
      send_window_start: '08:00',
      send_window_end: '',
    },
    row: {
      channel_id: 'email',
      cost_per_contact: 0.02,
      capacity_per_day: 50000,
      send_window_start: '08:00',
      send_window_end: null,
    },
  },
  contacts: {
    record: {
      contact_id: 'K1',
      campaign_id: 'CMP1',
      customer_id: 'C1',
      offer_id: 'O1',
      channel_id: 'sms',
      sent_at: '2026-01-10 09:00',
      group: 'treatment',
      discount_pct: '10',
    },
    row: {
      contact_id: 'K1',
      campaign_id: 'CMP1',
      customer_id: 'C1',
      offer_id: 'O1',
      channel_id: 'sms',
      sent_at: Date.UTC(2026, 0, 10, 9),
      group: 'treatment',
      discount_pct: 10,
    },
  },
  responses: {
    record: {
      contact_id: 'K1',
      opened_at: '2026-01-10T10:00:00Z',
      clicked_at: '',
      converted_at: '2026-01-12T18:00:00',
      revenue: '49.5',
    },
    row: {
      contact_id: 'K1',
      opened_at: Date.UTC(2026, 0, 10, 10),
      clicked_at: null,
      converted_at: Date.UTC(2026, 0, 12, 18),
      revenue: 49.5,
    },
  },
};

describe('dataset contracts: a well-formed example row', () => {
  for (const name of DATASET_NAMES) {
    it(`${name} parses to the typed row and breaks no row rule`, () => {
      const example = EXAMPLES[name];
      expect(check(contractFor(name), example.record)).toEqual({ row: example.row, rules: [] });
    });

    it(`${name} declares exactly the columns of its example`, () => {
      expect(
        contractFor(name)
          .columns.map((c) => c.name)
          .sort(),
      ).toEqual(Object.keys(EXAMPLES[name].record).sort());
    });
  }

  it('requires the identifying and mandatory columns of each dataset', () => {
    expect(customersContract.requiredColumns).toEqual(['customer_id', 'region']);
    expect(productsContract.requiredColumns).toEqual(['product_id', 'category', 'price']);
    expect(transactionsContract.requiredColumns).toEqual([
      'line_id',
      'transaction_id',
      'ts',
      'product_id',
      'quantity',
      'unit_price',
      'sales_channel',
    ]);
    expect(offersContract.requiredColumns).toEqual([
      'offer_id',
      'name',
      'kind',
      'discount_pct',
      'valid_from',
      'valid_to',
    ]);
    expect(channelsContract.requiredColumns).toEqual(['channel_id', 'cost_per_contact', 'capacity_per_day']);
    expect(contactsContract.requiredColumns).toEqual([
      'contact_id',
      'campaign_id',
      'customer_id',
      'sent_at',
      'group',
    ]);
    expect(responsesContract.requiredColumns).toEqual(['contact_id']);
  });
});

describe('dataset contracts: row rules', () => {
  const with_ = (name: DatasetName, changes: Record<string, string>) =>
    check(contractFor(name), { ...EXAMPLES[name].record, ...changes });

  it('transactions: a quantity of 0 breaks nonzero_quantity; negative quantities (returns) are fine', () => {
    expect(with_('transactions', { quantity: '0' }).rules).toEqual(['nonzero_quantity']);
    expect(with_('transactions', { quantity: '-1' }).rules).toEqual([]);
    expect(with_('transactions', { quantity: '3' }).rules).toEqual([]);
  });

  it('offers: valid_to before valid_from breaks validity_window; the same day is a valid window', () => {
    expect(with_('offers', { valid_from: '2026-03-02', valid_to: '2026-03-01' }).rules).toEqual([
      'validity_window',
    ]);
    expect(with_('offers', { valid_from: '2026-03-01', valid_to: '2026-03-01' }).rules).toEqual([]);
    expect(with_('offers', { valid_from: '2025-12-31', valid_to: '2026-01-01' }).rules).toEqual([]);
  });

  it('offers: the default discount must be one of the discount levels, when levels are given', () => {
    expect(with_('offers', { discount_pct: '20' }).rules).toEqual(['discount_level']);
    expect(with_('offers', { discount_pct: '20', discount_levels: '' }).rules).toEqual([]);
    expect(with_('offers', { discount_pct: '5' }).rules).toEqual([]);
  });

  it('contacts: a treatment contact needs both an offer and a channel', () => {
    expect(with_('contacts', { offer_id: '' }).rules).toEqual(['treatment_has_offer']);
    expect(with_('contacts', { channel_id: '' }).rules).toEqual(['treatment_has_offer']);
    expect(with_('contacts', { offer_id: '', channel_id: '' }).rules).toEqual(['treatment_has_offer']);
  });

  it('contacts: a control contact carries neither an offer nor a channel', () => {
    expect(with_('contacts', { group: 'control', offer_id: '', channel_id: '' }).rules).toEqual([]);
    expect(with_('contacts', { group: 'control' }).rules).toEqual(['control_has_no_offer']);
    expect(with_('contacts', { group: 'control', offer_id: '' }).rules).toEqual(['control_has_no_offer']);
    expect(with_('contacts', { group: 'Control', channel_id: '' }).rules).toEqual(['control_has_no_offer']);
  });

  it('names the column each row rule is reported under', () => {
    const columns = (c: Contract) => Object.fromEntries(c.rowRules.map((r) => [r.rule, r.column]));
    expect(columns(transactionsContract as unknown as Contract)).toEqual({ nonzero_quantity: 'quantity' });
    expect(columns(offersContract as unknown as Contract)).toEqual({
      validity_window: 'valid_to',
      discount_level: 'discount_pct',
    });
    expect(columns(contactsContract as unknown as Contract)).toEqual({
      treatment_has_offer: 'offer_id',
      control_has_no_offer: 'offer_id',
    });
  });
});
