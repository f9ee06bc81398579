import type { Contract } from '../contracts/contract';
import type { Rejection } from '../runs/run-state';

export interface HeaderLayout {
  /** Column name per field position, or undefined where the column is not in the contract. */
  readonly columns: readonly (string | undefined)[];
  readonly unknownColumns: readonly string[];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: binary content shows up as control characters
const BINARY = /[\u0000-\u0008\u000e-\u001f]/;

/**
 * Checks a file's header against its contract. Duplicate or missing required columns make the
 * file unreadable; unknown columns are reported and ignored.
 */
export function checkHeader(
  contract: Contract,
  file: string,
  header: readonly string[],
): HeaderLayout | Rejection {
  const names = header.map((h) => h.trim());
  if (names.some((n) => BINARY.test(n))) {
    return {
      file,
      line: 1,
      rule: 'binary_content',
      message: 'the header holds binary data; is this a CSV file?',
    };
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      return {
        file,
        line: 1,
        column: name,
        rule: 'duplicate_column',
        message: `column ${name} appears twice in the header`,
      };
    }
    seen.add(name);
  }
  const missing = contract.requiredColumns.filter((c) => !seen.has(c));
  const [first] = missing;
  if (first !== undefined) {
    return {
      file,
      line: 1,
      column: first,
      rule: 'missing_column',
      message: `required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing from the header (found: ${names.join(', ')})`,
    };
  }
  const known = new Set(contract.columns.map((c) => c.name));
  return {
    columns: names.map((n) => (known.has(n) ? n : undefined)),
    unknownColumns: names.filter((n) => !known.has(n)),
  };
}

export function isRejection(value: HeaderLayout | Rejection): value is Rejection {
  return 'rule' in value;
}
