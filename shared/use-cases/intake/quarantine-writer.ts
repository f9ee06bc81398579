import type { QuarantinedRow } from '../../domain/intake/row-issues';
import type { S3Ref } from '../../domain/runs/run-state';
import type { ObjectStore, ObjectWriter } from '../../ports/object-store';

/** Streams refused rows as JSON Lines; the object exists only if at least one row was refused. */
export class QuarantineWriter {
  private writer: ObjectWriter | undefined;

  public constructor(
    private readonly store: ObjectStore,
    public readonly ref: S3Ref,
  ) {}

  public async add(row: QuarantinedRow): Promise<void> {
    this.writer ??= this.store.openWriter(this.ref, 'application/x-ndjson');
    const stream = this.writer.stream;
    if (!stream.write(`${JSON.stringify(row)}\n`)) {
      await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
    }
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
