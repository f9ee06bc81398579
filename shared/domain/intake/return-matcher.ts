import type { AnyRow } from '../contracts/contract';
import { HashedLog, HashedMinMap } from './hashed-keys';
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
 *
 * Purchases are logged in file order (a hash of customer and product, and the time) rather than
 * kept in a map by pair: millions of purchase lines then cost sequential writes, not a random
 * access each into a table of hundreds of megabytes. When the returns are judged, the few pairs
 * they name get a map, and one pass over the log finds each one's first purchase.
 */
export class ReturnMatcher {
  private readonly purchases = new HashedLog();
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
      this.purchases.add(customer, ts, product);
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
    const firstPurchase = this.firstPurchases();
    for (let i = 0; i < this.lines.length; i++) {
      const customer = this.customers[i] as string;
      const product = this.products[i] as string;
      const first = firstPurchase.get(customer, product);
      const bought = first === NOT_BOUGHT ? undefined : first;
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

  /** For each (customer, product) pair of the returns held: the time of its first purchase, or NOT_BOUGHT. */
  private firstPurchases(): HashedMinMap {
    const first = new HashedMinMap(this.lines.length);
    if (this.lines.length === 0) return first;
    for (let i = 0; i < this.lines.length; i++)
      first.keepMin(this.customers[i] as string, NOT_BOUGHT, this.products[i] as string);
    this.purchases.scan((hi, lo, ts) => {
      first.lowerIfPresent(hi, lo, ts);
    });
    return first;
  }
}

/** A pair's first purchase before any was found: later than every time. */
const NOT_BOUGHT = Number.POSITIVE_INFINITY;
