import { contractFor, type DatasetName } from '../../domain/contracts/datasets';
import type { ReferenceIndex } from '../../domain/intake/references';
import type { RowOutcome } from '../../domain/intake/row-validator';
import { lakeTables } from '../../domain/lake/catalog';
import type { FileAccount } from '../../domain/runs/run-state';
import type { ObjectStore } from '../../ports/object-store';
import { CuratedPartWriter } from './curated-part-writer';
import { QuarantineWriter } from './quarantine-writer';

export interface SinkSettings {
  readonly store: ObjectStore;
  readonly index: ReferenceIndex;
  readonly lakeBucket: string;
  readonly runId: string;
  readonly quarantinePrefix: string;
  readonly partRows: number;
}

/** Something that watches every accepted row, e.g. the data-quality profiler. */
export type RowObserver = (dataset: DatasetName, row: Readonly<Record<string, unknown>>) => void;

/**
 * Where one file's rows of one dataset go: accepted rows to curated Parquet, refused rows to
 * quarantine with their reasons, every row counted, so rows in = accepted + rejected.
 */
export class DatasetSink {
  public rowsIn = 0;
  public accepted = 0;
  public maxTimestamp: number | undefined;
  private readonly parts: CuratedPartWriter;
  private readonly quarantine: QuarantineWriter;

  public constructor(
    public readonly dataset: DatasetName,
    private readonly fileKey: string,
    private readonly settings: SinkSettings,
    private readonly observe?: RowObserver,
  ) {
    const table = lakeTables.find((t) => t.name === dataset);
    if (!table) throw new Error(`no lake table for ${dataset}`);
    this.parts = new CuratedPartWriter(
      settings.store,
      settings.lakeBucket,
      dataset,
      settings.runId,
      table.columns,
      settings.partRows,
    );
    this.quarantine = new QuarantineWriter(settings.store, {
      bucket: settings.lakeBucket,
      key: `${settings.quarantinePrefix}${dataset}.jsonl`,
    });
  }

  public get contract() {
    return contractFor(this.dataset);
  }

  public get rejected(): number {
    return this.rowsIn - this.accepted;
  }

  /** Takes one validated record: checks references, then keeps or quarantines it. */
  public async take(outcome: RowOutcome, line: number): Promise<void> {
    this.rowsIn += 1;
    const issues = outcome.ok ? this.settings.index.check(this.dataset, outcome.row) : outcome.issues;
    if (outcome.ok && issues.length === 0) {
      this.settings.index.accept(this.dataset, outcome.row);
      this.observe?.(this.dataset, outcome.row);
      await this.parts.add(outcome.row);
      this.accepted += 1;
      const ts = outcome.row.ts;
      if (typeof ts === 'number' && (this.maxTimestamp === undefined || ts > this.maxTimestamp))
        this.maxTimestamp = ts;
      return;
    }
    await this.quarantine.add({ file: this.fileKey, line, issues, record: outcome.record });
  }

  public account(quarantined = false): FileAccount {
    return {
      dataset: this.dataset,
      key: this.fileKey,
      rowsIn: this.rowsIn,
      accepted: this.accepted,
      rejected: this.rejected,
      ...(quarantined ? { quarantine: this.quarantine.ref } : {}),
    };
  }

  /** Completes curated parts and quarantine: the dataset is accepted. */
  public async finish(): Promise<FileAccount> {
    await this.parts.finish();
    return this.account(await this.quarantine.finish());
  }

  /** Keeps what was quarantined but writes no more curated parts: the batch is refused. */
  public async refuse(): Promise<FileAccount> {
    return this.account(await this.quarantine.finish());
  }

  public async abort(): Promise<void> {
    await this.quarantine.abort();
  }
}
