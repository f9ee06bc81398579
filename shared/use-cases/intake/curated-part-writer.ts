import type { StoredValue } from '../../domain/contracts/column';
import { identityOf } from '../../domain/intake/references';
import {
  curatedMonthPrefix,
  curatedPartitionPrefix,
  type LakeTable,
  monthPartitioner,
} from '../../domain/lake/catalog';
import { ColumnBatchBuilder } from '../../domain/lake/column-batch';
import { type EncodingOptions, encodeColumnBatch } from '../../domain/lake/parquet-encoding';
import type { ObjectStore } from '../../ports/object-store';

/**
 * Writes accepted rows as Parquet parts under the run's partition, and for event datasets under
 * the month of each row. At most `partRows` rows are held across all months: when that many are
 * waiting, the fullest month is written out, so memory stays bounded however large the file is
 * and however its rows are ordered.
 */
export class CuratedPartWriter {
  private readonly pending = new Map<string, ColumnBatchBuilder>();
  private held = 0;
  private parts = 0;
  private readonly monthOf: ReturnType<typeof monthPartitioner>;
  /** A dataset's id is unique in the batch: no dictionary can shorten it. */
  private readonly encoding: EncodingOptions;

  public constructor(
    private readonly store: ObjectStore,
    private readonly bucket: string,
    private readonly table: LakeTable,
    private readonly runId: string,
    private readonly partRows: number,
  ) {
    this.monthOf = monthPartitioner(table);
    const id = identityOf(table.name);
    this.encoding = id ? { withoutDictionary: [id] } : {};
  }

  /** Adds a row; returns a promise only when a part is being written. */
  public add(row: Record<string, StoredValue>): Promise<void> | undefined {
    const month = this.monthOf(row) ?? '';
    let builder = this.pending.get(month);
    if (!builder) {
      builder = new ColumnBatchBuilder(this.table.columns);
      this.pending.set(month, builder);
    }
    builder.add(row);
    this.held += 1;
    if (this.held < this.partRows) return undefined;
    let fullest = month;
    for (const [m, b] of this.pending) if (b.length > (this.pending.get(fullest)?.length ?? 0)) fullest = m;
    return this.flush(fullest);
  }

  public async finish(): Promise<{ parts: number }> {
    for (const month of [...this.pending.keys()].sort()) await this.flush(month);
    return { parts: this.parts };
  }

  private async flush(month: string): Promise<void> {
    const builder = this.pending.get(month);
    if (!builder || builder.length === 0) return;
    this.held -= builder.length;
    const batch = builder.take();
    const prefix = month
      ? curatedMonthPrefix(this.table.name, this.runId, month)
      : curatedPartitionPrefix(this.table.name, this.runId);
    const key = `${prefix}part-${String(this.parts).padStart(5, '0')}.parquet`;
    this.parts += 1;
    const body = encodeColumnBatch(this.table.columns, batch, this.encoding);
    await this.store.write({ bucket: this.bucket, key }, body, 'application/vnd.apache.parquet');
  }
}
