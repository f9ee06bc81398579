import { contractFor, type DatasetName } from '../../domain/contracts/datasets';
import type { BatchRules, DatasetRules } from '../../domain/intake/batch-rules';
import { ExceptionTally } from '../../domain/intake/exception-tally';
import type { CellIssue } from '../../domain/intake/row-issues';
import type { RowOutcome } from '../../domain/intake/row-validator';
import { lakeTables } from '../../domain/lake/catalog';
import type { FileAccount } from '../../domain/runs/run-state';
import type { ObjectStore } from '../../ports/object-store';
import { CuratedPartWriter } from './curated-part-writer';
import { JsonLinesWriter } from './json-lines-writer';

export interface SinkSettings {
  readonly store: ObjectStore;
  readonly rules: BatchRules;
  readonly lakeBucket: string;
  readonly runId: string;
  /** Where refused rows go, `{prefix}{dataset}.jsonl`; flagged rows go to `{prefix}flagged/{dataset}.jsonl`. */
  readonly quarantinePrefix: string;
  readonly partRows: number;
}

/** Something that watches every accepted row, e.g. the data-quality profiler. */
export type RowObserver = (dataset: DatasetName, row: Readonly<Record<string, unknown>>) => void;

/**
 * Where one file's rows of one dataset go: accepted rows to curated Parquet, refused rows to
 * quarantine with their reasons, every row counted, so rows in = accepted + rejected. Rows a
 * cross-file rule only flags stay accepted and are listed beside the quarantine.
 */
export class DatasetSink {
  public rowsIn = 0;
  public accepted = 0;
  public flaggedRows = 0;
  public maxTimestamp: number | undefined;
  private readonly parts: CuratedPartWriter;
  private readonly quarantine: JsonLinesWriter;
  private readonly flags: JsonLinesWriter;
  private readonly exceptions = new ExceptionTally();
  private readonly rules: DatasetRules;

  public constructor(
    public readonly dataset: DatasetName,
    private readonly fileKey: string,
    private readonly settings: SinkSettings,
    private readonly observe?: RowObserver,
  ) {
    const table = lakeTables.find((t) => t.name === dataset);
    if (!table) throw new Error(`no lake table for ${dataset}`);
    this.rules = settings.rules.forDataset(dataset);
    this.parts = new CuratedPartWriter(
      settings.store,
      settings.lakeBucket,
      table,
      settings.runId,
      settings.partRows,
    );
    this.quarantine = new JsonLinesWriter(settings.store, {
      bucket: settings.lakeBucket,
      key: `${settings.quarantinePrefix}${dataset}.jsonl`,
    });
    this.flags = new JsonLinesWriter(settings.store, {
      bucket: settings.lakeBucket,
      key: `${settings.quarantinePrefix}flagged/${dataset}.jsonl`,
    });
  }

  public get contract() {
    return contractFor(this.dataset);
  }

  public get rejected(): number {
    return this.rowsIn - this.accepted;
  }

  /**
   * Takes one validated record: checks the batch rules, then keeps or quarantines it. Returns a
   * promise only when output must be flushed, so the caller awaits once per part, not per row.
   */
  public take(outcome: RowOutcome, line: number): Promise<void> | undefined {
    this.rowsIn += 1;
    if (outcome.ok) {
      const issues = this.rules.check(outcome.row);
      if (issues.length === 0) {
        this.rules.accept(outcome.row, line);
        this.observe?.(this.dataset, outcome.row);
        this.accepted += 1;
        const ts = outcome.row.ts;
        if (typeof ts === 'number' && (this.maxTimestamp === undefined || ts > this.maxTimestamp))
          this.maxTimestamp = ts;
        return this.parts.add(outcome.row);
      }
      return this.reject(line, withRawValues(issues, outcome.record), outcome.record);
    }
    return this.reject(line, outcome.issues, outcome.record);
  }

  private reject(
    line: number,
    issues: readonly CellIssue[],
    record: Record<string, string>,
  ): Promise<void> | undefined {
    this.exceptions.add('rejected', issues, line);
    return this.quarantine.add({ file: this.fileKey, line, issues, record });
  }

  public account(quarantined = false, flagged = false): FileAccount {
    const exceptions = this.exceptions.list();
    return {
      dataset: this.dataset,
      key: this.fileKey,
      rowsIn: this.rowsIn,
      accepted: this.accepted,
      rejected: this.rejected,
      ...(quarantined ? { quarantine: this.quarantine.ref } : {}),
      ...(this.flaggedRows > 0 ? { flagged: this.flaggedRows } : {}),
      ...(flagged ? { flags: this.flags.ref } : {}),
      ...(exceptions.length > 0 ? { exceptions } : {}),
    };
  }

  /** Completes curated parts, flags and quarantine: the dataset is accepted. */
  public async finish(): Promise<FileAccount> {
    for (const row of this.settings.rules.flagged(this.dataset, this.fileKey)) {
      this.flaggedRows += 1;
      this.exceptions.add('flagged', row.issues, row.line);
      await this.flags.add(row);
    }
    await this.parts.finish();
    const quarantined = await this.quarantine.finish();
    return this.account(quarantined, await this.flags.finish());
  }

  /** Keeps what was quarantined but writes no more curated parts: the batch is refused. */
  public async refuse(): Promise<FileAccount> {
    await this.flags.abort();
    return this.account(await this.quarantine.finish());
  }

  public async abort(): Promise<void> {
    await Promise.all([this.quarantine.abort(), this.flags.abort()]);
  }
}

/** Cross-file issues carry the typed value; the quarantine shows the text the partner sent. */
function withRawValues(issues: readonly CellIssue[], record: Record<string, string>): CellIssue[] {
  return issues.map((issue) => ({ ...issue, value: record[issue.column] ?? issue.value }));
}
