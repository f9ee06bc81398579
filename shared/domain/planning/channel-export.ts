/**
 * The files handed to the e-mail, SMS and push systems: one CSV per channel. Marketers open them
 * in spreadsheets, so every cell is defused against formula injection, and personal data leaves
 * only when the partner's mapping allows it.
 */

const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);
const LEADING_SPACES = /^ +/;
const NEEDS_QUOTES = /[",\r\n]/;
const CHANNEL_ID = /^[a-z_]+$/;
const BASE_COLUMNS = ['customer_id', 'offer_id', 'offer_name', 'discount_pct', 'send_date', 'send_window'];

/**
 * OWASP CSV-injection defence: a cell starting with = + - @ tab or CR gets a leading apostrophe;
 * then RFC 4180 quoting where needed.
 *
 * A string is defused also when the trigger follows leading spaces, since some spreadsheet
 * programs drop those before deciding a cell is a formula; a stray apostrophe in front of such a
 * rare legitimate value is the cheaper mistake. A number is not an injection: its text is only
 * digits, sign, point and exponent, so -5 stays -5 and remains numeric; a non-finite number has no
 * meaning in an export and is refused.
 *
 * @throws RangeError for NaN or an infinite number.
 */
export function csvSafeCell(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot export the number ${value}`);
    return String(value);
  }
  const defused = defuseFormula(value);
  return NEEDS_QUOTES.test(defused) ? `"${defused.replaceAll('"', '""')}"` : defused;
}

/** The apostrophe half of the defence, for writers that quote cells themselves. */
export function defuseFormula(value: string): string {
  const first = value.replace(LEADING_SPACES, '').charAt(0);
  return FORMULA_TRIGGERS.has(first) ? `'${value}` : value;
}

export interface ExportRecipient {
  customerId: string;
  offerId: string;
  offerName: string;
  discountPct: number;
  sendDate: string;
  /** e.g. '' or '18-21'. */
  sendWindow: string;
  /** e.g. email, phone: only exported if allowed. */
  personal?: Record<string, string>;
}

export interface ChannelExportOptions {
  allowPersonalData: boolean;
  /**
   * The personal columns, in this order, when allowed; a recipient without one gets ''. Without
   * it, every personal field any recipient carries, sorted by name.
   */
  personalFields?: readonly string[];
}

/**
 * The export file of one channel: a header line and one line per recipient, '\r\n' line ends,
 * CSV-injection safe. Columns: customer_id, offer_id, offer_name, discount_pct, send_date,
 * send_window, then the personal fields only when `allowPersonalData`.
 *
 * @throws Error when the channel id is not [a-z_]+ or a personal field repeats a column.
 */
export function channelExportCsv(
  channelId: string,
  recipients: readonly ExportRecipient[],
  options: ChannelExportOptions,
): string {
  checkChannelId(channelId);
  const personal = options.allowPersonalData ? personalColumns(recipients, options.personalFields) : [];
  const columns = [...BASE_COLUMNS, ...personal];
  if (new Set(columns).size !== columns.length) {
    throw new Error(`the ${channelId} export would repeat a column: ${columns.join(', ')}`);
  }
  const lines = [columns.map(csvSafeCell).join(',')];
  for (const r of recipients) {
    const cells: (string | number)[] = [
      r.customerId,
      r.offerId,
      r.offerName,
      r.discountPct,
      r.sendDate,
      r.sendWindow,
    ];
    for (const field of personal) cells.push(r.personal?.[field] ?? '');
    lines.push(cells.map(csvSafeCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function personalColumns(recipients: readonly ExportRecipient[], fields: readonly string[] | undefined) {
  if (fields) return [...fields];
  const seen = new Set<string>();
  for (const r of recipients) for (const key of Object.keys(r.personal ?? {})) seen.add(key);
  return [...seen].sort();
}

/**
 * `${exportsPrefix}${channelId}.csv`. The channel id becomes part of an object key, so only
 * [a-z_]+ is accepted: no '/', '.' or '..' can move the file out of the run's exports folder.
 *
 * @throws Error for any other channel id.
 */
export function channelExportKey(exportsPrefix: string, channelId: string): string {
  checkChannelId(channelId);
  return `${exportsPrefix}${channelId}.csv`;
}

function checkChannelId(channelId: string): void {
  if (!CHANNEL_ID.test(channelId)) {
    throw new Error(`channel id ${JSON.stringify(channelId)} is not allowed in an export; use [a-z_]+`);
  }
}
