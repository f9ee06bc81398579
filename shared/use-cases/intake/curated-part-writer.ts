import type { StoredValue } from '../../domain/contracts/column';
import type { DatasetName } from '../../domain/contracts/datasets';
import { curatedPartitionPrefix, type LakeColumn } from '../../domain/lake/catalog';
import { encodeParquet } from '../../domain/lake/parquet-encoding';
import type { ObjectStore } from '../../ports/object-store';

/**
 * Writes accepted rows as Parquet parts of at most `partRows` rows under the run's partition, so
 * memory stays bounded by one part however large the file is.
 */
export class CuratedPartWriter {
  private rows: Record<string, StoredValue>[] = [];
  private parts = 0;

  public constructor(
    private readonly store: ObjectStore,
    private readonly bucket: string,
    private readonly dataset: DatasetName,
    private readonly runId: string,
    private readonly columns: readonly LakeColumn[],
    private readonly partRows: number,
  ) {}

  public async add(row: Record<string, StoredValue>): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= this.partRows) await this.flush();
  }

  public async finish(): Promise<{ parts: number }> {
    await this.flush();
    return { parts: this.parts };
  }

  private async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const key = `${curatedPartitionPrefix(this.dataset, this.runId)}part-${String(this.parts).padStart(5, '0')}.parquet`;
    const body = encodeParquet(this.columns, this.rows);
    this.rows = [];
    this.parts += 1;
    await this.store.write({ bucket: this.bucket, key }, body, 'application/vnd.apache.parquet');
  }
}
