import { describe, expect, it } from 'vitest';
import type { AnyRow } from '#shared/domain/contracts/contract';
import { DATASET_NAMES } from '#shared/domain/contracts/datasets';
import { ReferenceIndex, VALIDATION_ORDER } from '#shared/domain/intake/references';

/** An index that has accepted the given ids per dataset. */
function indexWith(
  ids: Partial<Record<'customers' | 'products' | 'offers' | 'channels' | 'contacts', string[]>>,
) {
  const idColumn = {
    customers: 'customer_id',
    products: 'product_id',
    offers: 'offer_id',
    channels: 'channel_id',
    contacts: 'contact_id',
  } as const;
  const index = new ReferenceIndex();
  for (const [dataset, values] of Object.entries(ids) as [keyof typeof idColumn, string[]][]) {
    for (const value of values) index.accept(dataset, { [idColumn[dataset]]: value });
  }
  return index;
}

const transaction = (changes: Partial<AnyRow> = {}): AnyRow => ({
  line_id: 'L1',
  transaction_id: 'T1',
  customer_id: 'C1',
  product_id: 'P1',
  quantity: 1,
  ...changes,
});

const contact = (changes: Partial<AnyRow> = {}): AnyRow => ({
  contact_id: 'K1',
  customer_id: 'C1',
  offer_id: 'O1',
  channel_id: 'email',
  group: 'treatment',
  ...changes,
});

describe('VALIDATION_ORDER', () => {
  it('lists every dataset once', () => {
    expect([...VALIDATION_ORDER].sort()).toEqual([...DATASET_NAMES].sort());
  });

  it('reads every referenced dataset before the datasets that point at it', () => {
    const at = (d: (typeof DATASET_NAMES)[number]) => VALIDATION_ORDER.indexOf(d);
    expect(at('customers')).toBeLessThan(at('transactions'));
    expect(at('products')).toBeLessThan(at('transactions'));
    expect(at('customers')).toBeLessThan(at('contacts'));
    expect(at('offers')).toBeLessThan(at('contacts'));
    expect(at('channels')).toBeLessThan(at('contacts'));
    expect(at('contacts')).toBeLessThan(at('responses'));
  });
});

describe('ReferenceIndex', () => {
  it('finds nothing wrong with a row whose references all exist', () => {
    const index = indexWith({ customers: ['C1'], products: ['P1'] });
    expect(index.check('transactions', transaction())).toEqual([]);
  });

  it("reports an id seen before in the same dataset as 'duplicate_id'", () => {
    const index = indexWith({ customers: ['C1'] });
    expect(index.check('customers', { customer_id: 'C1' })).toEqual([
      {
        column: 'customer_id',
        value: 'C1',
        rule: 'duplicate_id',
        message: 'customer_id C1 appears more than once',
      },
    ]);
    expect(index.check('customers', { customer_id: 'C2' })).toEqual([]);
  });

  it('keeps ids per dataset: the same value in another dataset is no duplicate', () => {
    const index = indexWith({ customers: ['X1'] });
    expect(index.check('products', { product_id: 'X1' })).toEqual([]);
  });

  it('registers an id only on accept, not on check', () => {
    const index = new ReferenceIndex();
    const row = { customer_id: 'C1' };
    expect(index.check('customers', row)).toEqual([]);
    expect(index.check('customers', row)).toEqual([]);
    expect(index.check('transactions', transaction()).map((i) => i.rule)).toContain('unknown_customer');
    index.accept('customers', row);
    expect(index.check('customers', row).map((i) => i.rule)).toEqual(['duplicate_id']);
  });

  it('reports unknown customers and products of a transaction line, each with its column and value', () => {
    const index = indexWith({ customers: ['C1'], products: ['P1'] });
    expect(index.check('transactions', transaction({ customer_id: 'C9', product_id: 'P9' }))).toEqual([
      {
        column: 'customer_id',
        value: 'C9',
        rule: 'unknown_customer',
        message: 'customer_id C9 is not in customers',
      },
      {
        column: 'product_id',
        value: 'P9',
        rule: 'unknown_product',
        message: 'product_id P9 is not in products',
      },
    ]);
  });

  it('reports a duplicate line and an unknown reference of the same row together', () => {
    const index = indexWith({ customers: ['C1'], products: ['P1'] });
    index.accept('transactions', transaction());
    expect(index.check('transactions', transaction({ product_id: 'P2' })).map((i) => i.rule)).toEqual([
      'duplicate_id',
      'unknown_product',
    ]);
  });

  it('reports unknown customers, offers and channels of a contact', () => {
    const index = indexWith({ customers: ['C1'], offers: ['O1'], channels: ['email'] });
    expect(index.check('contacts', contact())).toEqual([]);
    expect(
      index
        .check('contacts', contact({ customer_id: 'C2', offer_id: 'O2', channel_id: 'sms' }))
        .map((i) => [i.column, i.rule]),
    ).toEqual([
      ['customer_id', 'unknown_customer'],
      ['offer_id', 'unknown_offer'],
      ['channel_id', 'unknown_channel'],
    ]);
  });

  it('does not take the empty offer and channel of a control contact for unknown references', () => {
    const index = indexWith({ customers: ['C1'] });
    expect(index.check('contacts', contact({ group: 'control', offer_id: null, channel_id: null }))).toEqual(
      [],
    );
  });

  it('reports a response to an unknown contact, and a second response to the same contact', () => {
    const index = indexWith({ contacts: ['K1'] });
    expect(index.check('responses', { contact_id: 'K2' })).toEqual([
      {
        column: 'contact_id',
        value: 'K2',
        rule: 'unknown_contact',
        message: 'contact_id K2 is not in contacts',
      },
    ]);
    index.accept('responses', { contact_id: 'K1' });
    expect(index.check('responses', { contact_id: 'K1' }).map((i) => i.rule)).toEqual(['duplicate_id']);
  });

  it('does not see a refused row (never accepted) as a valid reference target', () => {
    const index = new ReferenceIndex();
    index.check('customers', { customer_id: 'C1' });
    expect(index.check('contacts', contact({ offer_id: null, channel_id: null, group: 'control' }))).toEqual([
      {
        column: 'customer_id',
        value: 'C1',
        rule: 'unknown_customer',
        message: 'customer_id C1 is not in customers',
      },
    ]);
  });
});
