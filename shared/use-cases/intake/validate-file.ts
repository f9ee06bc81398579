import { z } from 'zod';
import { contractFor } from '../../domain/contracts/datasets';
import type { ManifestFile } from '../../domain/contracts/manifest';
import {
  checkHeader,
  columnOrigin,
  type HeaderLayout,
  isRejection,
  NO_COLUMNS,
} from '../../domain/intake/header-check';
import { openRecordSource, type SourceInput } from '../../domain/intake/readers/open-record-source';
import { type RecordSource, SourceFormatError } from '../../domain/intake/readers/record-source';
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
  /** Size of the pinned version, from the head that pinned it; without it a Parquet file is sized by a head of its own. */
  readonly size?: number;
}

interface Reported {
  /** Columns the contract does not know: left out of curated data, named here once per file. */
  readonly unknownColumns?: readonly string[];
}

export type FileOutcome =
  | (Reported & { readonly ok: true; readonly account: FileAccount; readonly maxTimestamp?: number })
  | (Reported & { readonly ok: false; readonly account: FileAccount; readonly rejection: Rejection });

/**
 * The object as the readers see it, every read pinned to the version the run started with. Only
 * formats read by range need the size; a head that finds another version means the file changed.
 */
async function sourceInput(store: ObjectStore, job: FileValidation): Promise<SourceInput> {
  const ref = job.source;
  let size = job.size;
  if (size === undefined && job.file.format === 'parquet') {
    const info = await store.head(ref);
    if (!info || (ref.version !== undefined && info.version !== ref.version))
      throw new ObjectChangedError(ref);
    size = info.size;
  }
  return {
    stream: () => store.read(ref),
    get size(): number {
      if (size === undefined) throw new Error(`the size of ${ref.key} is needed but unknown`);
      return size;
    },
    readRange: (start, end) => store.readRange(ref, start, end),
  };
}

/** Why a file that was read has no rows, in the words of its format. */
function noRows(file: ManifestFile): Rejection {
  if (file.format === 'csv' && file.header) {
    return { file: file.key, line: 1, rule: 'no_rows', message: 'the file has a header but no data rows' };
  }
  if (file.format === 'parquet') {
    return { file: file.key, rule: 'no_rows', message: 'the Parquet file has a schema but no rows' };
  }
  return { file: file.key, rule: 'empty_file', message: 'the file is empty: no rows' };
}

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
  let rowsIn = 0;
  let accepted = 0;
  let maxTimestamp: number | undefined;
  let reported: Reported = {};
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
      ...reported,
    };
  };
  const unreadable = (error: SourceFormatError): Promise<FileOutcome> =>
    refuse({
      file: file.key,
      ...(error.line ? { line: error.line } : {}),
      rule: error.rule,
      message: error.message,
    });
  const changed: Rejection = {
    file: file.key,
    rule: 'file_changed',
    message: 'the file was overwritten after the run started; upload it again followed by the manifest',
  };

  let source: RecordSource;
  try {
    source = await openRecordSource(await sourceInput(deps.store, job), {
      ...file,
      maxDecompressedBytes: deps.limits.maxDecompressedBytes,
      maxRecordChars: deps.limits.maxRecordChars,
    });
  } catch (error) {
    if (error instanceof ObjectChangedError) return { ok: false, account: account(), rejection: changed };
    if (error instanceof SourceFormatError) return unreadable(error);
    throw error;
  }

  // JSON Lines has no header: an empty one is a file without rows, judged below.
  if (source.columns.length === 0 && file.format !== 'jsonl') {
    source.close?.();
    return refuse({
      file: file.key,
      rule: 'empty_file',
      message: file.format === 'csv' ? 'the file is empty: not even a header row' : 'the file is empty',
    });
  }
  const header =
    source.columns.length === 0
      ? NO_COLUMNS
      : checkHeader(contract, file.key, source.columns, columnOrigin(file));
  if (isRejection(header)) {
    source.close?.();
    return refuse(header);
  }
  const layout: HeaderLayout = header;
  if (layout.unknownColumns.length > 0) reported = { unknownColumns: layout.unknownColumns };

  try {
    for await (const record of source.records) {
      rowsIn += 1;
      const outcome = validateRecord(contract, layout, record);
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
    if (error instanceof SourceFormatError) return unreadable(error);
    if (error instanceof ObjectChangedError) return refuse(changed);
    await quarantine.abort();
    throw error;
  }

  if (rowsIn === 0 && !MAY_BE_EMPTY.has(file.dataset)) return refuse(noRows(file));
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
    ...reported,
  };
}
