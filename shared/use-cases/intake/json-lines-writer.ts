import type { S3Ref } from '../../domain/runs/run-state';
import type { ObjectStore, ObjectWriter } from '../../ports/object-store';

/**
 * Streams records as JSON Lines (quarantined or flagged rows); the object exists only if at least
 * one record was written. `add` returns a promise only when the stream asks to wait.
 */
export class JsonLinesWriter {
  private writer: ObjectWriter | undefined;

  public constructor(
    private readonly store: ObjectStore,
    public readonly ref: S3Ref,
  ) {}

  public add(record: object): Promise<void> | undefined {
    this.writer ??= this.store.openWriter(this.ref, 'application/x-ndjson');
    const stream = this.writer.stream;
    if (stream.write(`${JSON.stringify(record)}\n`)) return undefined;
    return new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }

  /** Completes the object and says whether one was written. */
  public async finish(): Promise<boolean> {
    if (!this.writer) return false;
    await this.writer.finish();
    return true;
  }

  public async abort(): Promise<void> {
    await this.writer?.abort();
  }
}
