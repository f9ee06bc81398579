import type { Readable } from 'node:stream';
import { z } from 'zod';
import { contractFor } from '../../domain/contracts/datasets';
import type { ManifestFile } from '../../domain/contracts/manifest';
import { CsvFormatError, openCsvSource } from '../../domain/intake/csv-source';
import { checkHeader, type HeaderLayout, isRejection } from '../../domain/intake/header-check';
import type { ReferenceIndex } from '../../domain/intake/references';
import { validateRecord } from '../../domain/intake/row-validator';
import { lakeTables } from '../../domain/lake/catalog';
import type { FileAccount, Rejection } from '../../domain/runs/run-state';
import { ObjectChangedError, type ObjectStore, type VersionedRef } from '../../ports/object-store';
import { CuratedPartWriter } from './curated-part-writer';
import { QuarantineWriter } from './quarantine-writer';

export const intakeLimits = z.object({
  /** Above this share of refused rows in a file, the batch fails. */
  maxRejectedShare: z.number().min(0).max(1),
  maxDecompressedBytes: z.number().int().positive(),
  maxRecordChars: z.number().int().positive(),
  /** Rows per curated Parquet part. */
  partRows: z.number().int().positive(),
});
export type IntakeLimits = z.infer<typeof intakeLimits>;

export interface FileValidation {
  readonly source: VersionedRef;
  readonly file: ManifestFile;
  readonly runId: string;
  readonly lakeBucket: string;
  readonly quarantinePrefix: string;
}

export type FileOutcome =
  | { readonly ok: true; readonly account: FileAccount; readonly maxTimestamp?: number }
  | { readonly ok: false; readonly account: FileAccount; readonly rejection: Rejection };

/** Datasets that may legitimately be empty: a campaign can have had no responses yet. */
const MAY_BE_EMPTY = new Set(['responses']);

/**
 * Streams one file through its contract: header, every row, references to earlier files, then
 * the manifest's checksum and row count. Accepted rows become curated Parquet; refused rows go
 * to quarantine with their reasons, so rows in = accepted + rejected.
 */
export async function validateFile(
  job: FileValidation,
  deps: { store: ObjectStore; index: ReferenceIndex; limits: IntakeLimits },
): Promise<FileOutcome> {
  const { file, runId } = job;
  const contract = contractFor(file.dataset);
  const table = lakeTables.find((t) => t.name === file.dataset);
  if (!table) throw new Error(`no lake table for ${file.dataset}`);
  const parts = new CuratedPartWriter(
    deps.store,
    job.lakeBucket,
    file.dataset,
    runId,
    table.columns,
    deps.limits.partRows,
  );
  const quarantine = new QuarantineWriter(deps.store, {
    bucket: job.lakeBucket,
    key: `${job.quarantinePrefix}${file.dataset}.jsonl`,
  });
  let raw: Readable;
  try {
    raw = await deps.store.read(job.source);
  } catch (error) {
    if (!(error instanceof ObjectChangedError)) throw error;
    return {
      ok: false,
      account: { dataset: file.dataset, key: file.key, rowsIn: 0, accepted: 0, rejected: 0 },
      rejection: {
        file: file.key,
        rule: 'file_changed',
        message: 'the file was overwritten after the run started; upload it again followed by the manifest',
      },
    };
  }
  const source = openCsvSource(raw, {
    gzip: file.compression === 'gzip',
    delimiter: file.delimiter,
    maxDecompressedBytes: deps.limits.maxDecompressedBytes,
    maxRecordChars: deps.limits.maxRecordChars,
  });

  let layout: HeaderLayout | undefined;
  let rowsIn = 0;
  let accepted = 0;
  let maxTimestamp: number | undefined;
  const account = (): FileAccount => ({
    dataset: file.dataset,
    key: file.key,
    rowsIn,
    accepted,
    rejected: rowsIn - accepted,
  });
  const refuse = async (rejection: Rejection): Promise<FileOutcome> => {
    const quarantined = await quarantine.finish();
    return {
      ok: false,
      account: { ...account(), ...(quarantined ? { quarantine: quarantine.ref } : {}) },
      rejection,
    };
  };

  try {
    for await (const record of source.records) {
      if (!layout) {
        const header = checkHeader(contract, file.key, record.fields);
        if (isRejection(header)) return refuse(header);
        layout = header;
        continue;
      }
      rowsIn += 1;
      const outcome = validateRecord(contract, layout, record.fields);
      const issues = outcome.ok ? deps.index.check(file.dataset, outcome.row) : outcome.issues;
      if (outcome.ok && issues.length === 0) {
        deps.index.accept(file.dataset, outcome.row);
        await parts.add(outcome.row);
        accepted += 1;
        const ts = outcome.row.ts;
        if (typeof ts === 'number' && (maxTimestamp === undefined || ts > maxTimestamp)) maxTimestamp = ts;
      } else {
        await quarantine.add({ file: file.key, line: record.line, issues, record: outcome.record });
      }
    }
  } catch (error) {
    if (error instanceof CsvFormatError) {
      return refuse({
        file: file.key,
        ...(error.line ? { line: error.line } : {}),
        rule: error.rule,
        message: error.message,
      });
    }
    await quarantine.abort();
    throw error;
  }

  if (!layout)
    return refuse({
      file: file.key,
      rule: 'empty_file',
      message: 'the file is empty: not even a header row',
    });
  if (rowsIn === 0 && !MAY_BE_EMPTY.has(file.dataset)) {
    return refuse({
      file: file.key,
      line: 1,
      rule: 'no_rows',
      message: 'the file has a header but no data rows',
    });
  }
  const { sha256 } = source.digest();
  if (sha256 !== file.sha256) {
    return refuse({
      file: file.key,
      rule: 'checksum',
      message: `SHA-256 is ${sha256} but the manifest says ${file.sha256}: the file changed or was truncated`,
    });
  }
  if (rowsIn !== file.rows) {
    return refuse({
      file: file.key,
      rule: 'row_count',
      message: `has ${rowsIn} data rows but the manifest says ${file.rows}`,
    });
  }
  const rejected = rowsIn - accepted;
  if (rowsIn > 0 && rejected / rowsIn > deps.limits.maxRejectedShare) {
    return refuse({
      file: file.key,
      rule: 'error_rate',
      message: `${rejected} of ${rowsIn} rows (${((100 * rejected) / rowsIn).toFixed(1)}%) were refused, above the limit of ${(100 * deps.limits.maxRejectedShare).toFixed(1)}%; see the quarantine file for the reasons`,
    });
  }
  await parts.finish();
  const quarantined = await quarantine.finish();
  return {
    ok: true,
    account: { ...account(), ...(quarantined ? { quarantine: quarantine.ref } : {}) },
    ...(maxTimestamp === undefined ? {} : { maxTimestamp }),
  };
}
