import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { AnyRow } from '#shared/domain/contracts/contract';
import { contractFor, DATASET_NAMES } from '#shared/domain/contracts/datasets';
import { describeContracts } from '#shared/domain/contracts/describe-contracts';
import { ReferenceIndex, VALIDATION_ORDER } from '#shared/domain/intake/references';

const docs = new URL('../../../docs/', import.meta.url);

describe('docs/data-contracts.md', () => {
  it('is what the contracts render to (run `npm run docs:contracts` after changing a contract)', () => {
    expect(readFileSync(new URL('data-contracts.md', docs), 'utf8')).toBe(describeContracts());
  });

  it('documents every column of every dataset', () => {
    const text = describeContracts();
    for (const name of DATASET_NAMES) {
      expect(text).toContain(`## ${name} `);
      for (const c of contractFor(name).columns) expect(text).toContain(`| \`${c.name}\` |`);
    }
  });
});

describe('docs/examples', () => {
  it('form a valid batch: every row passes its contract and every reference resolves', () => {
    const index = new ReferenceIndex();
    for (const name of VALIDATION_ORDER) {
      const contract = contractFor(name);
      const text = readFileSync(new URL(`examples/${name}.csv`, docs), 'utf8');
      const [header = []] = parse(text, { to_line: 1 }) as string[][];
      expect(header, name).toEqual(contract.columns.map((c) => c.name));
      const records = parse(text, { columns: true }) as Record<string, string>[];
      expect(records.length, name).toBeGreaterThan(0);
      for (const [i, record] of records.entries()) {
        const parsed = contract.rowSchema.safeParse(record);
        expect(parsed.success, `${name} row ${i + 2}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
        const row = parsed.data as AnyRow;
        expect(
          contract.rowRules.filter((r) => !r.holds(row as never)).map((r) => r.rule),
          name,
        ).toEqual([]);
        expect(index.check(name, row), `${name} row ${i + 2}`).toEqual([]);
        index.accept(name, row);
      }
    }
  });
});
