/**
 * Column names that usually hold personal data the engine never needs for a decision. They are
 * recognised so that, dropped like any unread column, they are also named as personal data in
 * the batch's accounts; a mapping that needs one must hash it (`{ "hash": "email" }`).
 */
const PERSONAL = [
  /e[-_ ]?mail/,
  /phone|mobile|msisdn|\btel\b/,
  /^(full[-_ ]?)?name$|first[-_ ]?name|last[-_ ]?name|surname|given[-_ ]?name|family[-_ ]?name/,
  /address|street|house[-_ ]?number|postcode|post[-_ ]?code|zip[-_ ]?code/,
  /birth[-_ ]?date|date[-_ ]?of[-_ ]?birth|\bdob\b/,
  /\bssn\b|social[-_ ]?security|passport|iban|credit[-_ ]?card|card[-_ ]?number/,
];

/** Flags about a channel (consent, opt-in, verified) are not the personal data itself. */
const ABOUT_A_CHANNEL = /consent|opt[-_ ]?(in|out)|verified|bounce|valid/;

export function looksPersonal(column: string): boolean {
  const name = column.trim().toLowerCase();
  return !ABOUT_A_CHANNEL.test(name) && PERSONAL.some((pattern) => pattern.test(name));
}
