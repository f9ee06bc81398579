import { column } from './column';
import { type Contract, defineContract, type RowOf } from './contract';
import { ELIGIBILITY_KEYS, parseDiscountLevels, parseEligibility } from './offer-terms';

export const SALES_CHANNELS = ['online', 'over_the_counter', 'app'] as const;
export const CONTACT_CHANNELS = ['email', 'sms', 'push', 'direct_mail', 'call_centre'] as const;
export const OFFER_KINDS = [
  'percent_off',
  'amount_off',
  'buy_one_get_one',
  'bundle',
  'upgrade',
  'retention_incentive',
  'informational',
] as const;

export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export const customersContract = defineContract({
  dataset: 'customers',
  version: 1,
  description: 'One row per customer known to the partner.',
  columns: {
    customer_id: column.id({ description: 'Partner customer id, unique in the file.' }),
    signup_date: column.date({
      description: 'First seen or sign-up date, where the partner knows it.',
      optional: true,
    }),
    region: column.text({ description: 'Region name or code.', maxLength: 64 }),
    branch: column.text({ description: 'Home branch or store id.', maxLength: 64, optional: true }),
    birth_year: column.int({ description: 'Year of birth.', min: 1900, max: 2030, optional: true }),
    gender: column.enumeration(['f', 'm', 'x', 'u'], {
      description: 'Used for fairness reports only, never as a model feature.',
      optional: true,
    }),
    consent_email: column.boolean({
      description: 'Consent to e-mail contact. Empty means no consent.',
      optional: true,
    }),
    consent_sms: column.boolean({
      description: 'Consent to SMS contact. Empty means no consent.',
      optional: true,
    }),
    consent_push: column.boolean({
      description: 'Consent to push messages. Empty means no consent.',
      optional: true,
    }),
    consent_direct_mail: column.boolean({
      description: 'Consent to direct mail. Empty means no consent.',
      optional: true,
    }),
    consent_call_centre: column.boolean({
      description: 'Consent to calls. Empty means no consent.',
      optional: true,
    }),
    attributes: column.jsonObject({
      description: 'Other partner attributes as a JSON object; never a model feature unless configured.',
      optional: true,
    }),
  },
});

export const productsContract = defineContract({
  dataset: 'products',
  version: 1,
  description: 'The product catalogue.',
  columns: {
    product_id: column.id({ description: 'Product or SKU id, unique in the file.' }),
    category: column.text({ description: 'Product category.', maxLength: 64 }),
    subcategory: column.text({ description: 'Product subcategory.', maxLength: 64, optional: true }),
    price: column.decimal({ description: 'List price, in the batch currency.', min: 0 }),
    unit_cost: column.decimal({ description: 'Unit cost, in the batch currency.', min: 0, optional: true }),
  },
});

export const transactionsContract = defineContract({
  dataset: 'transactions',
  version: 1,
  description: 'One row per transaction line. A negative quantity is a return.',
  columns: {
    line_id: column.id({ description: 'Line id, unique in the batch.' }),
    transaction_id: column.id({ description: 'Receipt or invoice id.' }),
    customer_id: column.id({
      description: 'Must exist in customers when present; empty for a guest purchase.',
      optional: true,
    }),
    ts: column.timestamp({ description: 'Transaction time, ISO 8601; without an offset it is local time.' }),
    product_id: column.id({ description: 'Must exist in products.' }),
    quantity: column.int({ description: 'Units; negative for a return.', min: -100_000, max: 100_000 }),
    unit_price: column.decimal({ description: 'Price per unit paid, before line discount.', min: 0 }),
    discount: column.decimal({ description: 'Discount amount on the line.', min: 0, optional: true }),
    branch: column.text({ description: 'Store or branch id.', maxLength: 64, optional: true }),
    sales_channel: column.enumeration(SALES_CHANNELS, { description: 'Where the sale happened.' }),
  },
  rowRules: [
    {
      rule: 'nonzero_quantity',
      column: 'quantity',
      message: 'must not be 0',
      holds: (row) => row.quantity !== 0,
    },
  ],
});

export const offersContract = defineContract({
  dataset: 'offers',
  version: 1,
  description: 'Offers the engine may recommend.',
  columns: {
    offer_id: column.id({ description: 'Offer id, unique in the file.' }),
    name: column.text({ description: 'Name shown to marketers.', maxLength: 128 }),
    kind: column.enumeration(OFFER_KINDS, { description: 'Offer mechanic.' }),
    target_category: column.text({
      description: 'Product category the offer promotes.',
      maxLength: 64,
      optional: true,
    }),
    target_product_id: column.id({
      description: 'Product the offer promotes, when it is one product (e.g. an upgrade or a bundle item).',
      optional: true,
    }),
    discount_pct: column.decimal({
      description: 'Discount level in percent of the basket: the default level.',
      min: 0,
      max: 100,
    }),
    discount_levels: column.numberList({
      description:
        'Discount levels the offer may be sent at, in percent; must include discount_pct. Empty: only discount_pct.',
      parse: parseDiscountLevels,
      rule: 'discount_levels',
      optional: true,
    }),
    eligibility: column.jsonObject({
      description: `Who may receive the offer, as a JSON object of rules on customer features: ${ELIGIBILITY_KEYS.join(', ')}, e.g. {"min_recency_days":45,"max_recency_days":180}. Empty: everyone.`,
      optional: true,
      check: {
        rule: 'eligibility',
        constraint: 'a JSON object of known eligibility rules',
        message: (text: string) => {
          const parsed = parseEligibility(text);
          return typeof parsed === 'string' ? parsed : null;
        },
      },
    }),
    valid_from: column.date({ description: 'First day the offer may be sent.' }),
    valid_to: column.date({ description: 'Last day the offer may be sent.' }),
    max_volume: column.int({
      description: 'Maximum number of customers (inventory).',
      min: 0,
      optional: true,
    }),
  },
  rowRules: [
    {
      rule: 'validity_window',
      column: 'valid_to',
      message: 'must not be before valid_from',
      holds: (row) => row.valid_to >= row.valid_from,
    },
    {
      rule: 'discount_level',
      column: 'discount_pct',
      message: 'must be one of the discount_levels',
      holds: (row) =>
        row.discount_levels === null || row.discount_levels.split(';').map(Number).includes(row.discount_pct),
    },
  ],
});

export const channelsContract = defineContract({
  dataset: 'channels',
  version: 1,
  description: 'Contact channels, their cost and their daily capacity.',
  columns: {
    channel_id: column.enumeration(CONTACT_CHANNELS, { description: 'Channel id.' }),
    cost_per_contact: column.decimal({ description: 'Cost of one contact, in the batch currency.', min: 0 }),
    capacity_per_day: column.int({ description: 'Maximum contacts per day.', min: 0 }),
    send_window_start: column.text({
      description: 'Earliest send time, HH:MM.',
      maxLength: 5,
      optional: true,
    }),
    send_window_end: column.text({ description: 'Latest send time, HH:MM.', maxLength: 5, optional: true }),
  },
});

export const contactsContract = defineContract({
  dataset: 'contacts',
  version: 1,
  description: 'Campaign history: one row per customer assigned to a past campaign, treated or held out.',
  columns: {
    contact_id: column.id({ description: 'Contact id, unique in the batch.' }),
    campaign_id: column.id({ description: 'Campaign id.' }),
    customer_id: column.id({ description: 'Must exist in customers.' }),
    offer_id: column.id({ description: 'Offer sent; empty for the control group.', optional: true }),
    channel_id: column.enumeration(CONTACT_CHANNELS, {
      description: 'Channel used; empty for the control group.',
      optional: true,
    }),
    sent_at: column.timestamp({ description: 'Send time (for control: when the campaign was sent).' }),
    group: column.enumeration(['treatment', 'control'], { description: 'Randomised assignment.' }),
    discount_pct: column.decimal({
      description: 'Discount level offered, in percent.',
      min: 0,
      max: 100,
      optional: true,
    }),
  },
  rowRules: [
    {
      rule: 'treatment_has_offer',
      column: 'offer_id',
      message: 'a treatment contact needs an offer_id and a channel_id',
      holds: (row) => row.group !== 'treatment' || (row.offer_id !== null && row.channel_id !== null),
    },
    {
      rule: 'control_has_no_offer',
      column: 'offer_id',
      message: 'a control contact must not carry an offer_id or channel_id',
      holds: (row) => row.group !== 'control' || (row.offer_id === null && row.channel_id === null),
    },
  ],
});

export const responsesContract = defineContract({
  dataset: 'responses',
  version: 1,
  description: 'Outcomes of contacts. Control contacts can convert; they cannot open or click.',
  columns: {
    contact_id: column.id({ description: 'Must exist in contacts.' }),
    opened_at: column.timestamp({ description: 'First open.', optional: true }),
    clicked_at: column.timestamp({ description: 'First click.', optional: true }),
    converted_at: column.timestamp({
      description: 'Conversion time, attributed by the partner.',
      optional: true,
    }),
    revenue: column.decimal({ description: 'Revenue of the conversion.', min: 0, optional: true }),
  },
});

export const contracts = {
  customers: customersContract,
  products: productsContract,
  transactions: transactionsContract,
  offers: offersContract,
  channels: channelsContract,
  contacts: contactsContract,
  responses: responsesContract,
} as const;

export type DatasetName = keyof typeof contracts;
export const DATASET_NAMES = Object.keys(contracts) as DatasetName[];

/** Datasets every batch must carry; campaign history is what the response model learns from. */
export const REQUIRED_DATASETS: readonly DatasetName[] = [
  'customers',
  'products',
  'transactions',
  'offers',
  'channels',
  'contacts',
  'responses',
];

/** The typed row of a contract, e.g. `RowOfContract<typeof offersContract>`. */
export type RowOfContract<T> = T extends Contract<string, infer C> ? RowOf<C> : never;

export function contractFor(dataset: DatasetName): Contract {
  return contracts[dataset] as unknown as Contract;
}
