import type { SchemaElement } from 'hyparquet';

/** What a Parquet text column held where its bytes are not UTF-8; the row is refused, not garbled. */
export class NotUtf8 {
  public constructor(public readonly bytes: Uint8Array) {}
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * hyparquet's decoders for text: strict UTF-8 (its default would turn bad bytes into U+FFFD), and
 * JSON columns kept as the text they hold instead of parsed and written back.
 */
export function strictTextParsers(): {
  stringFromBytes(bytes: Uint8Array): unknown;
  jsonFromBytes(bytes: Uint8Array): unknown;
} {
  const text = (bytes: Uint8Array | undefined): unknown => {
    if (!bytes) return bytes;
    try {
      return fatalUtf8.decode(bytes);
    } catch {
      return new NotUtf8(bytes);
    }
  };
  return { stringFromBytes: text, jsonFromBytes: text };
}

/** A top-level column whose values are calendar days: DATE, as converted or as logical type. */
export function isDateColumn(element: SchemaElement): boolean {
  return element.converted_type === 'DATE' || element.logical_type?.type === 'DATE';
}

const DAY_MILLIS = 86_400_000;

/** `YYYY-MM-DDTHH:MM:SS`, with `.sss` only where there are milliseconds; no zone, as the lake stores it. */
export function timestampText(date: Date): string {
  if (Number.isNaN(date.getTime())) return String(date);
  const iso = date.toISOString().slice(0, -1);
  return iso.endsWith('.000') ? iso.slice(0, -4) : iso;
}

export function dayText(date: Date): string {
  return Number.isNaN(date.getTime()) ? String(date) : date.toISOString().slice(0, 10);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof NotUtf8) return Buffer.from(value.bytes).toString('base64');
  return value;
}

/**
 * A decoded Parquet value as cell text: strings as they are, numbers and bigints in full, booleans
 * as true/false, timestamps and dates as ISO text, null as empty; bytes as base64 and nested
 * values (lists, structs, maps) as JSON text.
 */
export function parquetCellText(value: unknown, dateColumn: boolean): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    // A DATE logical type without the converted type arrives as days since the epoch.
    return dateColumn && typeof value === 'number' ? dayText(new Date(value * DAY_MILLIS)) : String(value);
  }
  if (value instanceof Date) return dateColumn ? dayText(value) : timestampText(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return JSON.stringify(value, jsonReplacer);
}
