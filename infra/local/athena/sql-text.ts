import type { AthenaStatementType } from './athena-types';

/**
 * Small, literal-aware helpers over SQL text. They never parse SQL properly (DuckDB does
 * that); they only need to step over string literals, quoted identifiers and comments so
 * that a `?`, `;` or function name inside them is left alone.
 */

const IDENTIFIER_CHAR = /[A-Za-z0-9_$]/;

/** Index just past the literal, quoted identifier or comment starting at `i`; `i` if none starts there. */
export function skipNonCode(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === c) {
        if (sql[j + 1] !== c) return j + 1;
        j += 2;
      } else {
        j++;
      }
    }
    return sql.length;
  }
  if (c === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end === -1 ? sql.length : end;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end === -1 ? sql.length : end + 2;
  }
  return i;
}

/** Calls `visit` for every character that is code (not inside a literal or comment). */
function forEachCodeChar(sql: string, visit: (char: string, index: number) => void): void {
  let i = 0;
  while (i < sql.length) {
    const next = skipNonCode(sql, i);
    if (next !== i) {
      i = next;
      continue;
    }
    visit(sql.charAt(i), i);
    i++;
  }
}

/** The statement without trailing semicolons (and whatever whitespace or comments follow them). */
export function trimStatement(sql: string): string {
  let text = sql;
  for (;;) {
    let last = -1;
    forEachCodeChar(text, (char, index) => {
      if (char.trim() !== '') last = index;
    });
    if (last === -1 || text[last] !== ';') return text.trimEnd();
    text = text.slice(0, last);
  }
}

/** The first keyword of the statement, upper-cased, skipping comments and opening parentheses. */
export function leadingKeyword(sql: string): string {
  let i = 0;
  while (i < sql.length) {
    const next = skipNonCode(sql, i);
    if (next !== i && sql[i] !== "'" && sql[i] !== '"') {
      i = next;
      continue;
    }
    const c = sql.charAt(i);
    if (c.trim() === '' || c === '(') {
      i++;
      continue;
    }
    const match = /^[A-Za-z_]+/.exec(sql.slice(i));
    return match ? match[0].toUpperCase() : '';
  }
  return '';
}

/** Athena's StatementType for a statement starting with `keyword`. */
export function statementTypeOf(keyword: string): AthenaStatementType {
  if (['CREATE', 'DROP', 'ALTER', 'MSCK'].includes(keyword)) return 'DDL';
  if (['SELECT', 'WITH', 'VALUES', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'UNLOAD'].includes(keyword)) {
    return 'DML';
  }
  return 'UTILITY';
}

/**
 * Substitutes Athena ExecutionParameters for the `?` placeholders, in order. Athena passes each
 * parameter as SQL text (`'abc'`, `42`), so it is inserted as is.
 */
export function substituteParameters(sql: string, parameters: readonly string[]): string {
  const positions: number[] = [];
  forEachCodeChar(sql, (char, index) => {
    if (char === '?') positions.push(index);
  });
  if (positions.length !== parameters.length) {
    throw new Error(
      `The query has ${positions.length} parameter placeholders but ${parameters.length} execution parameters were given`,
    );
  }
  let out = '';
  let from = 0;
  positions.forEach((position, k) => {
    out += sql.slice(from, position) + parameters[k];
    from = position + 1;
  });
  return out + sql.slice(from);
}

/** Splits the argument list that starts just after an opening parenthesis at `start`. */
function readArguments(sql: string, start: number): { args: string[]; end: number } | undefined {
  const args: string[] = [];
  let depth = 0;
  let argStart = start;
  let i = start;
  while (i < sql.length) {
    const next = skipNonCode(sql, i);
    if (next !== i) {
      i = next;
      continue;
    }
    const c = sql[i];
    if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      args.push(sql.slice(argStart, i));
      argStart = i + 1;
    } else if (c === ')') {
      args.push(sql.slice(argStart, i));
      return { args, end: i + 1 };
    }
    i++;
  }
  return undefined;
}

/**
 * Rewrites calls of the function `name` (case-insensitive) found in code. `rewrite` receives the
 * raw argument texts (already rewritten themselves) and returns the replacement call text, or
 * undefined to keep the call.
 */
export function rewriteCalls(
  sql: string,
  name: string,
  rewrite: (args: string[]) => string | undefined,
): string {
  const pattern = new RegExp(`^${name}\\s*\\(`, 'i');
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const next = skipNonCode(sql, i);
    if (next !== i) {
      out += sql.slice(i, next);
      i = next;
      continue;
    }
    const before = i > 0 ? sql.charAt(i - 1) : '';
    const match = IDENTIFIER_CHAR.test(before) || before === '.' ? null : pattern.exec(sql.slice(i));
    const call = match ? readArguments(sql, i + match[0].length) : undefined;
    if (match && call) {
      const args = call.args.map((arg) => rewriteCalls(arg, name, rewrite));
      out += rewrite(args) ?? `${sql.slice(i, i + match[0].length)}${args.join(',')})`;
      i = call.end;
      continue;
    }
    out += sql.charAt(i);
    i++;
  }
  return out;
}

/** The text of a single-quoted SQL string literal, or undefined when `text` is something else. */
export function stringLiteralValue(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.length < 2 || !trimmed.startsWith("'") || skipNonCode(trimmed, 0) !== trimmed.length) {
    return undefined;
  }
  return trimmed.slice(1, -1).replaceAll("''", "'");
}

/** `value` as a single-quoted SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
