import { z } from 'zod';
import { contractFor, type DatasetName } from '../../domain/contracts/datasets';
import type { ManifestFile } from '../../domain/contracts/manifest';
import type { BatchRules } from '../../domain/intake/batch-rules';
import {
  checkColumns,
  checkHeader,
  columnOrigin,
  type HeaderLayout,
  isRejection,
  NO_COLUMNS,
} from '../../domain/intake/header-check';
import { openRecordSource, type SourceInput } from '../../domain/intake/readers/open-record-source';
import {
  type RecordSource,
  SourceFormatError,
  type SourceRecord,
} from '../../domain/intake/readers/record-source';
import { VALIDATION_ORDER } from '../../domain/intake/references';
import { type RowOutcome, recordValidator, validateCells } from '../../domain/intake/row-validator';
import type { CompiledMapping } from '../../domain/mapping/compile-mapping';
import type { FileAccount, Rejection } from '../../domain/runs/run-state';
import { ObjectChangedError, type ObjectStore, type VersionedRef } from '../../ports/object-store';
import { DatasetSink, type RowObserver } from './dataset-sink';

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
  /** The partner's mapping for this file, resolved and compiled; without one the file is in contract form. */
  readonly mapping?: CompiledMapping;
}

export interface FileDeps {
  readonly store: ObjectStore;
  readonly rules: BatchRules;
  readonly limits: IntakeLimits;
  readonly observe?: RowObserver;
}

interface Reported {
  /** Source columns nobody reads: left out of curated data, named here once per file. */
  readonly unknownColumns?: readonly string[];
}

export type FileOutcome =
  | (Reported & { readonly ok: true; readonly accounts: FileAccount[]; readonly maxTimestamp?: number })
  | (Reported & { readonly ok: false; readonly accounts: FileAccount[]; readonly rejection: Rejection });

/** The datasets a file produces: its own, or every output of its mapping. */
export function producedDatasets(file: ManifestFile, mapping?: CompiledMapping): DatasetName[] {
  return mapping ? [...mapping.datasets] : [file.dataset];
}

const order = (d: DatasetName) => VALIDATION_ORDER.indexOf(d);

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
const MAY_BE_EMPTY = new Set<DatasetName>(['responses']);

/** The outcome for a source record that could not be read whole, whichever dataset it was for. */
function unreadableRecord(record: SourceRecord, columns: number): RowOutcome | undefined {
  if (record.fieldCount !== undefined) {
    return {
      ok: false,
      record: {},
      issues: [
        {
          column: '*',
          value: null,
          rule: 'column_count',
          message: `has ${record.fieldCount} fields where the header has ${columns}; check the delimiter and quoting`,
        },
      ],
    };
  }
  if (record.problem) {
    const { rule, message, column, value } = record.problem;
    return {
      ok: false,
      record: {},
      issues: [{ column: column ?? '*', value: value ?? null, rule, message }],
    };
  }
  return undefined;
}

function textCells(values: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const cells: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) cells[k] = v;
  return cells;
}

/**
 * Streams one file into its datasets: its own in contract form, or, through its mapping, every
 * dataset the mapping produces. Each row is validated against its dataset's contract and the
 * references to datasets already read; accepted rows become curated Parquet, refused rows go to
 * quarantine with their reasons. A mapping that derives datasets (distinct keys) reads the file
 * twice: first the derived entities, so that the rows of the second pass can refer to them.
 */
export async function validateFile(job: FileValidation, deps: FileDeps): Promise<FileOutcome> {
  const { file, mapping } = job;
  const settings = {
    store: deps.store,
    rules: deps.rules,
    lakeBucket: job.lakeBucket,
    runId: job.runId,
    quarantinePrefix: job.quarantinePrefix,
    partRows: deps.limits.partRows,
  };
  const sinks = new Map<DatasetName, DatasetSink>();
  const sinkFor = (dataset: DatasetName): DatasetSink => {
    let sink = sinks.get(dataset);
    if (!sink) {
      sink = new DatasetSink(dataset, file.key, settings, deps.observe);
      sinks.set(dataset, sink);
    }
    return sink;
  };
  // Every produced dataset has an account, even when no row reached it.
  for (const d of producedDatasets(file, mapping).sort((a, b) => order(a) - order(b))) sinkFor(d);
  const primary = sinkFor(mapping?.rows[0]?.dataset ?? file.dataset);
  let reported: Reported = {};

  const refuse = async (rejection: Rejection): Promise<FileOutcome> => ({
    ok: false,
    accounts: await Promise.all([...sinks.values()].map((s) => s.refuse())),
    rejection,
    ...reported,
  });
  const changed: Rejection = {
    file: file.key,
    rule: 'file_changed',
    message: 'the file was overwritten after the run started; upload it again followed by the manifest',
  };
  const failure = (error: unknown): Promise<FileOutcome> => {
    if (error instanceof ObjectChangedError) return refuse(changed);
    if (error instanceof SourceFormatError) {
      return refuse({
        file: file.key,
        ...(error.line ? { line: error.line } : {}),
        rule: error.rule,
        message: error.message,
      });
    }
    return Promise.all([...sinks.values()].map((s) => s.abort())).then(() => {
      throw error;
    });
  };

  const open = async (): Promise<{ source: RecordSource; layout: HeaderLayout } | Rejection> => {
    const source = await openRecordSource(await sourceInput(deps.store, job), {
      ...file,
      maxDecompressedBytes: deps.limits.maxDecompressedBytes,
      maxRecordChars: deps.limits.maxRecordChars,
    });
    // JSON Lines has no header: an empty one is a file without rows, judged below.
    if (source.columns.length === 0 && file.format !== 'jsonl') {
      source.close?.();
      return {
        file: file.key,
        rule: 'empty_file',
        message: file.format === 'csv' ? 'the file is empty: not even a header row' : 'the file is empty',
      };
    }
    const origin = columnOrigin(file);
    const header =
      source.columns.length === 0
        ? NO_COLUMNS
        : mapping
          ? checkColumns(
              file.key,
              source.columns,
              {
                required: mapping.sourceColumns,
                known: new Set(mapping.sourceColumns),
                neededBy: `the mapping ${mapping.name}`,
              },
              origin,
            )
          : checkHeader(contractFor(file.dataset), file.key, source.columns, origin);
    if (isRejection(header)) {
      source.close?.();
      return header;
    }
    if (header.unknownColumns.length > 0) reported = { unknownColumns: header.unknownColumns };
    return { source, layout: header };
  };

  const rowMappers = [...(mapping?.rows ?? [])].sort((a, b) => order(a.dataset) - order(b.dataset));
  const derive = mapping ? mapping.distinct().sort((a, b) => order(a.dataset) - order(b.dataset)) : [];
  let sourceRows = 0;
  let digest: { sha256: string } | undefined;

  try {
    if (derive.length > 0) {
      // Pass 1: derived entities, validated before the rows that may refer to them.
      const opened = await open();
      if ('rule' in opened) return refuse(opened);
      for await (const batch of opened.source.batches) {
        for (const record of batch) {
          sourceRows += 1;
          if (unreadableRecord(record, opened.layout.columns.length)) {
            if (rowMappers.length === 0)
              await primary.take(unreadableOutcome(record, opened.layout), record.line);
            continue;
          }
          for (const acc of derive) acc.add(record.values, sourceRows, record.line);
        }
      }
      digest = opened.source.digest();
      const mismatch =
        emptiness(file, sourceRows, sinks.keys()) ?? checkManifestCounts(file, digest.sha256, sourceRows);
      if (mismatch) return refuse(mismatch);
      for (const acc of derive) {
        const sink = sinkFor(acc.dataset);
        for (const entity of acc.records()) {
          const wait = sink.take(
            validateCells(sink.contract, textCells(entity.values), entity.issues),
            entity.firstLine,
          );
          if (wait) await wait;
        }
      }
    }

    if (derive.length === 0 || rowMappers.length > 0) {
      const opened = await open();
      if ('rule' in opened) return refuse(opened);
      let rows = 0;
      const validate = recordValidator(primary.contract, opened.layout);
      for await (const batch of opened.source.batches) {
        for (const record of batch) {
          rows += 1;
          if (!mapping) {
            const wait = primary.take(validate(record), record.line);
            if (wait) await wait;
            continue;
          }
          const unreadable = unreadableRecord(record, opened.layout.columns.length);
          for (const mapper of rowMappers) {
            const mapped = unreadable ? undefined : mapper.map(record.values, rows);
            if (!unreadable && !mapped) continue;
            const sink = sinkFor(mapper.dataset);
            const wait = sink.take(
              unreadable ??
                validateCells(sink.contract, textCells(mapped?.values ?? {}), mapped?.issues ?? []),
              record.line,
            );
            if (wait) await wait;
          }
        }
      }
      sourceRows = rows;
      if (!digest) {
        digest = opened.source.digest();
        const mismatch =
          emptiness(file, sourceRows, sinks.keys()) ?? checkManifestCounts(file, digest.sha256, sourceRows);
        if (mismatch) return refuse(mismatch);
      }
    }
  } catch (error) {
    return failure(error);
  }

  for (const sink of sinks.values()) {
    if (sink.rowsIn > 0 && sink.rejected / sink.rowsIn > deps.limits.maxRejectedShare) {
      return refuse({
        file: file.key,
        ...(mapping ? { column: sink.dataset } : {}),
        rule: 'error_rate',
        message: `${sink.rejected} of ${sink.rowsIn} ${mapping ? `${sink.dataset} ` : ''}rows (${((100 * sink.rejected) / sink.rowsIn).toFixed(1)}%) were refused, above the limit of ${(100 * deps.limits.maxRejectedShare).toFixed(1)}%; see the quarantine file for the reasons`,
      });
    }
  }
  const accounts = await Promise.all([...sinks.values()].map((s) => s.finish()));
  const maxTimestamp = sinks.get('transactions')?.maxTimestamp;
  return { ok: true, accounts, ...(maxTimestamp === undefined ? {} : { maxTimestamp }), ...reported };
}

/** A file without rows is refused as such (before its counts), unless all it feeds may be empty. */
function emptiness(
  file: ManifestFile,
  sourceRows: number,
  datasets: Iterable<DatasetName>,
): Rejection | undefined {
  if (sourceRows > 0) return undefined;
  return [...datasets].some((d) => !MAY_BE_EMPTY.has(d)) ? noRows(file) : undefined;
}

/** A source record that cannot be read, as an outcome for a file without row outputs. */
function unreadableOutcome(record: SourceRecord, layout: HeaderLayout): RowOutcome {
  return unreadableRecord(record, layout.columns.length) ?? { ok: false, record: {}, issues: [] };
}

/** The manifest's checksum and row count against what was read; a file that differs is refused. */
function checkManifestCounts(file: ManifestFile, sha256: string, sourceRows: number): Rejection | undefined {
  if (sha256 !== file.sha256) {
    return {
      file: file.key,
      rule: 'checksum',
      message: `SHA-256 is ${sha256} but the manifest says ${file.sha256}: the file changed or was truncated`,
    };
  }
  if (sourceRows !== file.rows) {
    return {
      file: file.key,
      rule: 'row_count',
      message: `has ${sourceRows} data rows but the manifest says ${file.rows}`,
    };
  }
  return undefined;
}
