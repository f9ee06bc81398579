import { BAD_CUSTOMER_RULE, badCustomerRow, planBadRows } from './bad-rows';
import { TimestampFormatter } from './calendar';
import { dayTable, type SimulationContext, simulateCustomer } from './history';
import { type CampaignPlan, demoOffers, nextCampaign, pastCampaigns } from './offers';
import { buildCatalogue, type Catalogue } from './products';
import { Random } from './random';
import { ReceiptStore } from './receipt-store';
import { contactRow, customerRow, responseRow } from './rows';
import type { ShardOrders, ShardOutput, ShardRange, SimulatedShard, WorldSetup } from './shards';
import { TextChunk } from './text-chunk';
import { type BadReceipt, type PlantedInChunk, TransactionSink } from './transaction-sink';
import { BasketMaker } from './transactions';
import { truthRecord } from './truth';
import { customerId, customerTraits } from './world';

interface Pending {
  readonly range: ShardRange;
  readonly customers: TextChunk;
  readonly contacts: TextChunk;
  readonly responses: TextChunk;
  readonly truth: TextChunk;
  readonly plantedCustomers: PlantedInChunk[];
  /** Kept until the shard's receipt numbers are known. */
  readonly receipts: ReceiptStore;
  /** Customer k of the shard has receipts customerStart[k] to customerStart[k + 1] - 1. */
  readonly customerStart: Int32Array;
}

/**
 * Simulates shards of customers and writes their rows: everything but the transactions when a shard
 * is simulated, the transactions once the shard's orders (receipt numbers, bad lines) are settled.
 * Runs the same in a worker thread and in the calling thread, which keeps the files identical.
 */
export class ShardSimulator {
  private readonly ctx: SimulationContext;
  private readonly catalogue: Catalogue;
  private readonly next: CampaignPlan;
  private readonly time = new TimestampFormatter();
  private readonly badCustomerSlots: readonly number[];
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly setup: WorldSetup,
    private readonly signups: Int32Array,
  ) {
    const { seed, frame, customers } = setup;
    const offers = demoOffers(frame, customers);
    this.catalogue = buildCatalogue(seed);
    this.next = nextCampaign(frame, offers);
    this.ctx = {
      seed,
      frame,
      maker: new BasketMaker(this.catalogue),
      campaigns: pastCampaigns(frame, offers, setup.controlShare),
      days: dayTable(frame),
    };
    this.badCustomerSlots = setup.badRows ? planBadRows(seed, customers).customerSlots : [];
  }

  simulate(range: ShardRange): SimulatedShard {
    const { seed, customers: world, frame } = this.setup;
    const pending: Pending = {
      range,
      customers: new TextChunk(),
      contacts: new TextChunk(),
      responses: new TextChunk(),
      truth: new TextChunk(),
      plantedCustomers: [],
      receipts: new ReceiptStore(),
      customerStart: new Int32Array(range.to - range.from + 1),
    };
    const organic = new Uint8Array(range.to - range.from);
    for (let i = range.from; i < range.to; i++) {
      const traits = customerTraits(seed, i, this.signups[i] ?? frame.endDay, frame);
      const history = simulateCustomer(this.ctx, traits);
      pending.customers.row(customerRow(traits));
      for (const [k, slot] of this.badCustomerSlots.entries()) {
        if (slot !== i) continue;
        const { column, rule } = BAD_CUSTOMER_RULE;
        pending.plantedCustomers.push({ row: pending.customers.lines, column, rule });
        pending.customers.row(badCustomerRow(seed, world, k, frame));
      }
      for (const contact of history.contacts) {
        pending.contacts.row(contactRow(contact, traits, this.time));
        const response = responseRow(contact, traits, this.time);
        if (response) pending.responses.row(response);
      }
      pending.truth.line(
        JSON.stringify(truthRecord(traits, history.nextState, history.economics, history.outlook, this.next)),
      );
      for (const basket of history.baskets) {
        pending.receipts.add(basket);
        if (basket.kind === 'organic') organic[i - range.from] = 1;
      }
      pending.customerStart[i - range.from + 1] = pending.receipts.receipts;
    }
    this.pending.set(range.shard, pending);
    return { shard: range.shard, receipts: pending.receipts.receipts, organic };
  }

  /** Writes the transactions of a simulated shard and hands over all its rows. */
  format(orders: ShardOrders): ShardOutput {
    const pending = this.pending.get(orders.shard);
    if (!pending) throw new Error(`shard ${orders.shard} was not simulated here`);
    this.pending.delete(orders.shard);
    const { seed, frame } = this.setup;
    const transactions = new TextChunk();
    const sink = new TransactionSink(transactions, this.catalogue, this.time, frame, orders.receiptsBefore);
    const { receipts, customerStart, range } = pending;
    for (let i = range.from; i < range.to; i++) {
      const first = customerStart[i - range.from] ?? 0;
      const end = customerStart[i - range.from + 1] ?? first;
      const rule = orders.badLines.find((b) => b.customer === i)?.rule;
      let bad: BadReceipt | null = null;
      if (rule !== undefined) {
        const organic: number[] = [];
        for (let r = first; r < end; r++) if (receipts.isOrganic(r)) organic.push(r);
        bad = { receipt: Random.stream(seed, 'bad-line', i).pick(organic), rule };
      }
      sink.write(customerId(i), receipts, first, end, bad);
    }
    return {
      shard: orders.shard,
      customers: pending.customers.encode(),
      transactions: transactions.encode(),
      contacts: pending.contacts.encode(),
      responses: pending.responses.encode(),
      truth: pending.truth.encode(),
      receipts: sink.lastReceipt - orders.receiptsBefore,
      plantedCustomers: pending.plantedCustomers,
      plantedLines: sink.planted,
    };
  }
}
