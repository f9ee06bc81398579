import type { Contract } from '../contracts/contract';
import type { ManifestFile } from '../contracts/manifest';
import type { Rejection } from '../runs/run-state';

export interface HeaderLayout {
  /** Contract column per source column, in file order; undefined where the contract has no such column. */
  readonly columns: readonly (string | undefined)[];
  /** Contract column → the source column its value is read from (names may differ by surrounding blanks). */
  readonly sources: ReadonlyMap<string, string>;
  /** Source columns the contract does not know: ignored, kept out of curated data, reported once per file. */
  readonly unknownColumns: readonly string[];
}

/** Where a file's column names come from, for the wording and line of a rejection. */
export interface ColumnOrigin {
  /** As a sentence names it: 'the header', 'the Parquet schema'. */
  readonly name: string;
  readonly line?: number;
  /** The format a partner should check when the names hold binary data. */
  readonly format: string;
}

export const CSV_HEADER: ColumnOrigin = { name: 'the header', line: 1, format: 'CSV' };

export function columnOrigin(file: Pick<ManifestFile, 'format' | 'header'>): ColumnOrigin {
  switch (file.format) {
    case 'csv':
      return file.header ? CSV_HEADER : { name: "the manifest's columns", format: 'CSV' };
    case 'jsonl':
      return { name: 'the first JSON object', format: 'JSON Lines' };
    case 'parquet':
      return { name: 'the Parquet schema', format: 'Parquet' };
  }
}

/** A layout for a file without column names (a JSON Lines file whose first object is empty): every row is judged alone. */
export const NO_COLUMNS: HeaderLayout = { columns: [], sources: new Map(), unknownColumns: [] };

// biome-ignore lint/suspicious/noControlCharactersInRegex: binary content shows up as control characters
const BINARY = /[\u0000-\u0008\u000e-\u001f]/;

/** The columns a reader of the file needs and knows: a contract, or a mapping. */
export interface ColumnExpectation {
  readonly required: readonly string[];
  readonly known: ReadonlySet<string>;
  /** Who needs the missing columns, for the message, e.g. "the mapping hillstrom". */
  readonly neededBy?: string;
}

/**
 * Checks a file's column names against its contract. Duplicate or missing required columns make
 * the file unreadable; unknown columns are reported and ignored.
 */
export function checkHeader(
  contract: Contract,
  file: string,
  header: readonly string[],
  origin: ColumnOrigin = CSV_HEADER,
): HeaderLayout | Rejection {
  return checkColumns(
    file,
    header,
    { required: contract.requiredColumns, known: new Set(contract.columns.map((c) => c.name)) },
    origin,
  );
}

/** Checks a file's column names against what its reader needs; see checkHeader. */
export function checkColumns(
  file: string,
  header: readonly string[],
  expected: ColumnExpectation,
  origin: ColumnOrigin = CSV_HEADER,
): HeaderLayout | Rejection {
  const at = origin.line === undefined ? {} : { line: origin.line };
  const names = header.map((h) => h.trim());
  if (names.some((n) => BINARY.test(n))) {
    return {
      file,
      ...at,
      rule: 'binary_content',
      message: `${origin.name} holds binary data; is this a ${origin.format} file?`,
    };
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      return {
        file,
        ...at,
        column: name,
        rule: 'duplicate_column',
        message: `column ${name} appears twice in ${origin.name}`,
      };
    }
    seen.add(name);
  }
  const missing = expected.required.filter((c) => !seen.has(c));
  const [first] = missing;
  if (first !== undefined) {
    const by = expected.neededBy ? `, which ${expected.neededBy} reads,` : '';
    return {
      file,
      ...at,
      column: first,
      rule: 'missing_column',
      message: `required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}${by} missing from ${origin.name} (found: ${names.join(', ')})`,
    };
  }
  const known = expected.known;
  const sources = new Map<string, string>();
  for (const [i, name] of names.entries()) {
    const source = header[i];
    if (known.has(name) && source !== undefined) sources.set(name, source);
  }
  return {
    columns: names.map((n) => (known.has(n) ? n : undefined)),
    sources,
    unknownColumns: names.filter((n) => !known.has(n)),
  };
}

export function isRejection(value: HeaderLayout | Rejection): value is Rejection {
  return 'rule' in value;
}
