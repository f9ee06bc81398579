import { CONTACT_CHANNELS, SALES_CHANNELS } from '../domain/contracts/datasets';
import { formatDay, type TimestampFormatter } from './calendar';
import type { ContactRecord } from './campaigns';
import type { Cell } from './csv-writer';
import type { Channel, Offer } from './offers';
import { CATEGORIES, type Product } from './products';
import { BRANCHES, type CustomerTraits } from './world';

/** Rows in the partner's CSV layout, cells in contract column order (see datasets.ts). */

/** Cents as a decimal with a dot and two decimals: 1234 → "12.34", -249 → "-2.49". */
export function money(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function consentCell(traits: CustomerTraits, given: boolean): string {
  if (given) return 'true';
  return traits.consentBlank ? '' : 'false';
}

export function customerRow(traits: CustomerTraits): Cell[] {
  return [
    traits.id,
    formatDay(traits.signupDay),
    traits.region,
    BRANCHES[traits.branch]?.id ?? null,
    traits.birthYear,
    traits.gender,
    ...CONTACT_CHANNELS.map((c) => consentCell(traits, traits.consent[c])),
    null, // attributes: the demo partner sends none
  ];
}

export function productRow(product: Product): Cell[] {
  return [
    product.id,
    CATEGORIES[product.category] ?? null,
    product.subcategory,
    money(product.priceCents),
    money(product.unitCostCents),
  ];
}

export function offerRow(offer: Offer): Cell[] {
  return [
    offer.id,
    offer.name,
    offer.kind,
    offer.targetCategoryName,
    // No single target product; open to every customer.
    null,
    offer.discountPct,
    offer.discountLevels.join(';'),
    null,
    formatDay(offer.validFromDay),
    formatDay(offer.validToDay),
    offer.maxVolume,
  ];
}

export function channelRow(channel: Channel): Cell[] {
  return [channel.id, channel.costPerContact, channel.capacityPerDay, channel.windowStart, channel.windowEnd];
}

/**
 * The receipt-level cells of a transaction line, joined once per receipt: ids, customer, time,
 * branch and sales channel. None of them (generated ids, numbers, enum values, a formatted or
 * planted timestamp) can need quoting.
 */
export interface ReceiptCells {
  /** `,T00000001,C000001,2026-01-02T10:11:12,` */
  readonly middle: string;
  /** `,B01,over_the_counter` */
  readonly tail: string;
}

export function receiptCells(
  transactionId: string,
  customerId: string,
  ts: string,
  branch: number,
  salesChannel: number,
): ReceiptCells {
  const branchId = branch < 0 ? '' : (BRANCHES[branch]?.id ?? '');
  return {
    middle: `,${transactionId},${customerId},${ts},`,
    tail: `,${branchId},${SALES_CHANNELS[salesChannel] ?? ''}`,
  };
}

/** One transaction line: these are most of the bytes of a batch. */
export function transactionRow(
  lineId: string,
  receipt: ReceiptCells,
  productId: string,
  quantity: number,
  unitPrice: string,
  discountCents: number,
): string {
  const discount = discountCents > 0 ? money(discountCents) : '';
  return `${lineId}${receipt.middle}${productId},${quantity},${unitPrice},${discount}${receipt.tail}`;
}

export function contactId(contact: ContactRecord, traits: CustomerTraits): string {
  return `${contact.campaign.id}-${traits.id}`;
}

export function contactRow(contact: ContactRecord, traits: CustomerTraits, time: TimestampFormatter): Cell[] {
  return [
    contactId(contact, traits),
    contact.campaign.id,
    traits.id,
    contact.offer?.id ?? null,
    contact.channel,
    time.format(contact.sentAt),
    contact.group,
    contact.offer?.discountPct ?? null,
  ];
}

/** The response row of a contact, or null when nothing happened (no open, click or conversion). */
export function responseRow(
  contact: ContactRecord,
  traits: CustomerTraits,
  time: TimestampFormatter,
): Cell[] | null {
  const { openedAt, clickedAt, convertedAt, revenueCents } = contact;
  if (openedAt === null && clickedAt === null && convertedAt === null) return null;
  const stamp = (t: number | null) => (t === null ? null : time.format(t));
  return [
    contactId(contact, traits),
    stamp(openedAt),
    stamp(clickedAt),
    stamp(convertedAt),
    revenueCents === null ? null : money(revenueCents),
  ];
}
