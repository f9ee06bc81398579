import { BAD_LINE_COLUMN, type BadLineRule, impossibleTimestamp } from './bad-rows';
import type { TimestampFormatter } from './calendar';
import type { Catalogue } from './products';
import type { ReceiptStore } from './receipt-store';
import { money, type ReceiptCells, receiptCells, transactionRow } from './rows';
import type { TextChunk } from './text-chunk';
import type { Frame } from './world';

/** A planted bad row located by its 0-based row index within a shard's chunk of the file. */
export interface PlantedInChunk {
  readonly row: number;
  readonly column: string;
  readonly rule: string;
}

/** A bad line to plant right after `receipt` (an index into the store), copying its first product. */
export interface BadReceipt {
  readonly receipt: number;
  readonly rule: BadLineRule;
}

/**
 * Writes customers' receipts as transaction lines with sequential receipt ids (T00000001, line ids
 * T00000001-1, …), numbered on from `receiptsBefore`, planting a bad line after the chosen receipt
 * when asked to.
 */
export class TransactionSink {
  private receipts: number;
  readonly planted: PlantedInChunk[] = [];
  private readonly productIds: readonly string[];
  private readonly shelfCents: readonly number[];
  private readonly shelfPrices: readonly string[];
  /** Id of the receipt being written. */
  private id = '';

  constructor(
    private readonly chunk: TextChunk,
    catalogue: Catalogue,
    private readonly time: TimestampFormatter,
    private readonly frame: Frame,
    receiptsBefore: number,
  ) {
    this.receipts = receiptsBefore;
    this.productIds = catalogue.products.map((p) => p.id);
    this.shelfCents = catalogue.products.map((p) => p.priceCents);
    this.shelfPrices = catalogue.products.map((p) => money(p.priceCents));
  }

  /** The last receipt number written, planted ones included. */
  get lastReceipt(): number {
    return this.receipts;
  }

  /** Writes receipts `first` to `end - 1` of `store`, all the customer's; `bad` plants a bad line after one. */
  write(customerId: string, store: ReceiptStore, first: number, end: number, bad: BadReceipt | null): void {
    for (let r = first; r < end; r++) {
      const ts = this.time.format(store.ts[r] ?? 0);
      const branch = store.branch[r] ?? -1;
      const channel = store.salesChannel[r] ?? 0;
      const cells = receiptCells(this.nextId(), customerId, ts, branch, channel);
      const from = store.firstLine[r] ?? 0;
      const to = store.firstLine[r + 1] ?? from;
      for (let l = from; l < to; l++) this.line(cells, l - from, store, l);
      if (bad?.receipt !== r || to === from) continue;
      const price = store.unitPriceCents[from] ?? 0;
      const column = BAD_LINE_COLUMN[bad.rule];
      this.planted.push({ row: this.chunk.lines, column, rule: bad.rule });
      const badTs = bad.rule === 'iso_timestamp' ? impossibleTimestamp(this.frame) : ts;
      const badCells = receiptCells(this.nextId(), customerId, badTs, branch, channel);
      const product = this.productIds[store.product[from] ?? 0] ?? '';
      const badPrice = money(bad.rule === 'minimum' ? -price : price);
      this.chunk.line(transactionRow(`${this.id}-1`, badCells, product, 1, badPrice, 0));
    }
  }

  private line(cells: ReceiptCells, k: number, store: ReceiptStore, l: number): void {
    const product = store.product[l] ?? 0;
    const productId = this.productIds[product];
    const unitPrice = store.unitPriceCents[l] ?? 0;
    if (productId === undefined) throw new Error(`unknown product index ${product}`);
    const price =
      unitPrice === this.shelfCents[product] ? (this.shelfPrices[product] ?? '') : money(unitPrice);
    const lineId = `${this.id}-${k + 1}`;
    this.chunk.line(
      transactionRow(lineId, cells, productId, store.quantity[l] ?? 0, price, store.discountCents[l] ?? 0),
    );
  }

  private nextId(): string {
    this.receipts++;
    this.id = `T${String(this.receipts).padStart(8, '0')}`;
    return this.id;
  }
}
