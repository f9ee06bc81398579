import type { Basket, BasketKind } from './transactions';

const KINDS: readonly BasketKind[] = ['organic', 'conversion', 'return'];

function resized<T extends Float64Array | Int32Array | Int8Array | Uint8Array>(array: T, length: number): T {
  const grown = new (array.constructor as new (length: number) => T)(length);
  grown.set(array);
  return grown;
}

/**
 * A shard's receipts in flat typed arrays, kept from simulation until their receipt numbers are
 * known: held as objects, they would outlive the young generation and make every collection costly.
 */
export class ReceiptStore {
  ts = new Float64Array(4096);
  salesChannel = new Uint8Array(4096);
  /** Branch index, -1 for none. */
  branch = new Int8Array(4096);
  kind = new Uint8Array(4096);
  /** Receipt r has lines firstLine[r] to firstLine[r + 1] - 1. */
  firstLine = new Int32Array(4097);
  product = new Int32Array(16384);
  quantity = new Int32Array(16384);
  unitPriceCents = new Int32Array(16384);
  discountCents = new Int32Array(16384);
  private receiptCount = 0;
  private lineCount = 0;

  get receipts(): number {
    return this.receiptCount;
  }

  add(basket: Basket): void {
    const r = this.receiptCount;
    if (r === this.ts.length) {
      const receipts = 2 * r;
      this.ts = resized(this.ts, receipts);
      this.salesChannel = resized(this.salesChannel, receipts);
      this.branch = resized(this.branch, receipts);
      this.kind = resized(this.kind, receipts);
      this.firstLine = resized(this.firstLine, receipts + 1);
    }
    const end = this.lineCount + basket.lines.length;
    if (end > this.product.length) {
      const lines = Math.max(end, 2 * this.product.length);
      this.product = resized(this.product, lines);
      this.quantity = resized(this.quantity, lines);
      this.unitPriceCents = resized(this.unitPriceCents, lines);
      this.discountCents = resized(this.discountCents, lines);
    }
    this.ts[r] = basket.ts;
    this.salesChannel[r] = basket.salesChannel;
    this.branch[r] = basket.branch ?? -1;
    this.kind[r] = KINDS.indexOf(basket.kind);
    this.firstLine[r] = this.lineCount;
    let l = this.lineCount;
    for (const line of basket.lines) {
      this.product[l] = line.product;
      this.quantity[l] = line.quantity;
      this.unitPriceCents[l] = line.unitPriceCents;
      this.discountCents[l] = line.discountCents;
      l++;
    }
    this.lineCount = l;
    this.receiptCount = r + 1;
    this.firstLine[r + 1] = l;
  }

  isOrganic(receipt: number): boolean {
    return this.kind[receipt] === 0;
  }
}
