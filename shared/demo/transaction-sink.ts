import { BAD_LINE_COLUMN, type BadLine, impossibleTimestamp, type PlantedBadRow } from './bad-rows';
import type { TimestampFormatter } from './calendar';
import type { CsvWriter } from './csv-writer';
import type { Catalogue } from './products';
import { transactionRow } from './rows';
import type { Basket } from './transactions';
import type { CustomerTraits, Frame } from './world';

/**
 * Writes customers' receipts as transaction lines with sequential receipt ids (T00000001, line ids
 * T00000001-1, …), planting a bad line after the chosen receipt when asked to.
 */
export class TransactionSink {
  private receipts = 0;
  readonly planted: PlantedBadRow[] = [];

  constructor(
    readonly writer: CsvWriter,
    private readonly catalogue: Catalogue,
    private readonly time: TimestampFormatter,
    private readonly frame: Frame,
  ) {}

  /** Receipts (transaction ids) written so far, planted ones included. */
  get transactions(): number {
    return this.receipts;
  }

  /** Writes one customer's receipts; `bad` names the receipt after which to plant a bad line. */
  write(traits: CustomerTraits, baskets: readonly Basket[], bad: BadLine | null): void {
    for (const basket of baskets) {
      const ts = this.time.format(basket.ts);
      this.receipt(traits, basket, ts);
      if (bad?.basket !== basket) continue;
      const first = basket.lines[0];
      if (!first) continue;
      const price = bad.rule === 'minimum' ? -first.unitPriceCents : first.unitPriceCents;
      const badBasket: Basket = {
        ...basket,
        lines: [{ product: first.product, quantity: 1, unitPriceCents: price, discountCents: 0 }],
      };
      const column = BAD_LINE_COLUMN[bad.rule];
      this.planted.push({ dataset: 'transactions', line: this.writer.nextLine, column, rule: bad.rule });
      this.receipt(traits, badBasket, bad.rule === 'iso_timestamp' ? impossibleTimestamp(this.frame) : ts);
    }
  }

  private receipt(traits: CustomerTraits, basket: Basket, ts: string) {
    this.receipts++;
    const id = `T${String(this.receipts).padStart(8, '0')}`;
    for (const [k, line] of basket.lines.entries()) {
      const product = this.catalogue.products[line.product];
      if (!product) throw new Error(`unknown product index ${line.product}`);
      this.writer.rawRow(
        transactionRow(
          `${id}-${k + 1}`,
          id,
          traits.id,
          ts,
          product,
          line,
          basket.branch,
          basket.salesChannel,
        ),
      );
    }
  }
}
