import { describe, expect, it } from 'vitest';
import { looksPersonal } from '#shared/domain/intake/personal-data';
import { compileTransform } from '#shared/domain/mapping/transforms';

describe('looksPersonal', () => {
  it.each([
    'Email',
    'e-mail',
    'E_MAIL_ADDRESS',
    'phone',
    'Mobile',
    'name',
    'First Name',
    'surname',
    'street',
    'PostCode',
    'date_of_birth',
    'IBAN',
  ])('flags %s', (column) => expect(looksPersonal(column)).toBe(true));

  it.each([
    'customer_id',
    'region',
    'branch',
    'email_opt_in',
    'consent_email',
    'phone_verified',
    'product_name_id',
    'segment',
  ])('leaves %s alone', (column) => expect(looksPersonal(column)).toBe(false));
});

describe('the hash transform', () => {
  const key = Buffer.from('a-test-key');
  const hash = (kind: 'email' | 'phone' | 'text', text: string, k = key) =>
    compileTransform({ hash: kind }, { piiKey: k })(text, {});

  it('replaces a value by a keyed hash, the same for the same person however it is written', () => {
    const a = hash('email', 'Ana@Example.com ');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(hash('email', 'ana@example.com')).toBe(a);
    expect(hash('phone', '+31 (0)6-1234 5678')).toBe(hash('phone', '31061234 5678'));
    expect(hash('text', 'Ana')).not.toBe(hash('text', 'Bob'));
  });

  it('depends on the key, so a list of known e-mails cannot be hashed to find people without it', () => {
    expect(hash('email', 'ana@example.com', Buffer.from('other-key'))).not.toBe(
      hash('email', 'ana@example.com'),
    );
  });

  it('refuses to compile without a key rather than write personal data', () => {
    expect(() => compileTransform({ hash: 'email' })).toThrow(/no PII hash key/);
  });
});
