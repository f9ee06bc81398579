import { CONTACT_CHANNELS, SALES_CHANNELS } from '../domain/contracts/datasets';
import { formatDay, type TimestampFormatter } from './calendar';
import type { ContactRecord } from './campaigns';
import type { Cell } from './csv-writer';
import type { Channel, Offer } from './offers';
import { CATEGORIES, type Product } from './products';
import type { Line } from './transactions';
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
    offer.discountPct,
    formatDay(offer.validFromDay),
    formatDay(offer.validToDay),
    offer.maxVolume,
  ];
}

export function channelRow(channel: Channel): Cell[] {
  return [channel.id, channel.costPerContact, channel.capacityPerDay, channel.windowStart, channel.windowEnd];
}

/**
 * One transaction line, already joined: these are most of the bytes of a batch, and none of the cells
 * (generated ids, numbers, enum values, a formatted or planted timestamp) can need quoting.
 */
export function transactionRow(
  lineId: string,
  transactionId: string,
  customerId: string,
  ts: string,
  product: Product,
  line: Line,
  branch: number | null,
  salesChannel: number,
): string {
  const discount = line.discountCents > 0 ? money(line.discountCents) : '';
  const branchId = branch === null ? '' : (BRANCHES[branch]?.id ?? '');
  const channel = SALES_CHANNELS[salesChannel] ?? '';
  return `${lineId},${transactionId},${customerId},${ts},${product.id},${line.quantity},${money(line.unitPriceCents)},${discount},${branchId},${channel}`;
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
