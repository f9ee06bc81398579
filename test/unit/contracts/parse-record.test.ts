import { describe, expect, it } from 'vitest';
import { Random } from '#shared/demo/random';
import { ruleOfIssue } from '#shared/domain/contracts/column';
import { contractFor, DATASET_NAMES } from '#shared/domain/contracts/datasets';

/** Cell texts that exercise every builder: valid values, edge cases and junk. */
const CELLS = [
  '',
  ' ',
  'C1',
  'x'.repeat(65),
  'a\u0001b',
  'F',
  'treatment',
  'control',
  'email',
  'Online',
  'percent_off',
  '0',
  '-1',
  '3',
  '1.5',
  '1,5',
  '1e3',
  '1e999',
  '2147483648',
  '-2147483649',
  '99999999999999999999',
  'true',
  'no',
  'maybe',
  '2026-02-28',
  '2025-02-30',
  '2026-13-01',
  '0099-01-01',
  '2026-03-01T14:30:00',
  '2026-03-01 14:30',
  '2026-03-01T24:00:00',
  '2026-03-01T10:00:00+01:00',
  '2026-03-01T10:00:00+99:99',
  '{"tier":"gold"}',
  '[1]',
  '{',
  'null',
];

describe('Contract.parseRecord', () => {
  it('agrees with the zod rowSchema on every dataset, row for row and issue for issue', () => {
    const random = Random.stream('parse-record-equivalence');
    for (const name of DATASET_NAMES) {
      const contract = contractFor(name);
      for (let n = 0; n < 2000; n += 1) {
        // Prepare: a record with random cells, some columns absent.
        const record: Record<string, string> = {};
        for (const c of contract.columns) {
          if (random.chance(0.9)) record[c.name] = CELLS[random.int(0, CELLS.length - 1)] ?? '';
        }
        // Act
        const fast = contract.parseRecord(record);
        const zod = contract.rowSchema.safeParse(record);
        // Assess
        expect(fast.ok, `${name} ${JSON.stringify(record)}`).toBe(zod.success);
        if (fast.ok && zod.success) expect(fast.row).toEqual(zod.data);
        if (!fast.ok && !zod.success) {
          expect(fast.issues).toEqual(
            zod.error.issues.map((i) => ({
              column: String(i.path[0]),
              rule: ruleOfIssue(i),
              message: i.message,
            })),
          );
        }
      }
    }
  });
});
