import type { AnyRow } from '../contracts/contract';
import { HashedMinMap } from './hashed-keys';
import type { CellIssue } from './row-issues';

/** A row that was accepted but deserves a look: written beside the quarantine, counted on the file. */
export interface FlaggedRow {
  readonly file: string;
  readonly line: number;
  readonly issues: readonly CellIssue[];
}

/**
 * Flags returns (negative quantities) for which the batch holds no purchase of the same product
 * by the same customer at or before the return. Such a return is kept (it is real money leaving
 * the till, and a partner's history window can start after the purchase) but it is flagged, never
 * silently accepted. Guest returns have no customer to match and are not judged. Files need not
 * be in time order, so returns are judged once every transaction was read.
 */
export class ReturnMatcher {
  private readonly firstPurchase = new HashedMinMap();
  private lines: number[] = [];
  private times: number[] = [];
  private quantities: number[] = [];
  private customers: string[] = [];
  private products: string[] = [];

  observe(row: AnyRow, line: number): void {
    const { customer_id: customer, product_id: product, quantity, ts } = row;
    if (typeof customer !== 'string' || typeof product !== 'string') return;
    if (typeof quantity !== 'number' || typeof ts !== 'number') return;
    if (quantity > 0) {
      this.firstPurchase.keepMin(customer, ts, product);
      return;
    }
    this.lines.push(line);
    this.times.push(ts);
    this.quantities.push(quantity);
    this.customers.push(customer);
    this.products.push(product);
  }

  /** The returns without a matching purchase, in file order; forgets them once listed. */
  *unmatched(file: string): Generator<FlaggedRow> {
    for (let i = 0; i < this.lines.length; i++) {
      const customer = this.customers[i] as string;
      const product = this.products[i] as string;
      const bought = this.firstPurchase.get(customer, product);
      if (bought !== undefined && bought <= (this.times[i] as number)) continue;
      yield {
        file,
        line: this.lines[i] as number,
        issues: [
          {
            column: 'quantity',
            value: String(this.quantities[i]),
            rule: 'return_without_purchase',
            message:
              bought === undefined
                ? `customer ${customer} returns product ${product} but has no purchase of it in this batch`
                : `customer ${customer} returns product ${product} before first buying it in this batch`,
          },
        ],
      };
    }
    this.lines = [];
    this.times = [];
    this.quantities = [];
    this.customers = [];
    this.products = [];
  }
}
