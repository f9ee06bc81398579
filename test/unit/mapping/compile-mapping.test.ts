import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileMapping } from '#shared/domain/mapping/compile-mapping';
import { type Mapping, mappingSchema } from '#shared/domain/mapping/mapping-schema';
import { compileDatePattern, compileTransform } from '#shared/domain/mapping/transforms';

const mapping = (outputs: unknown[]): Mapping =>
  mappingSchema.parse({ mappingVersion: 1, name: 'm', outputs });
const issuesOf = (input: unknown) => {
  const parsed = mappingSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('transforms', () => {
  const run = (t: Parameters<typeof compileTransform>[0], text: string, cells = {}) =>
    compileTransform(t)(text, cells);

  it('reads ids written as floats, and refuses anything else', () => {
    expect(run('float_id', '17850.0')).toBe('17850');
    expect(run('float_id', ' 12346 ')).toBe('12346');
    expect(run('float_id', '17850.5')).toMatchObject({ rule: 'mapping_float_id' });
    expect(run('float_id', 'abc')).toMatchObject({ rule: 'mapping_float_id' });
  });

  it('turns a decimal comma into a dot and drops thousands separators', () => {
    expect(run('decimal_comma', '1.234,56')).toBe('1234.56');
    expect(run('decimal_comma', '12,5')).toBe('12.5');
    expect(run('decimal_comma', '12.5')).toBe('12.5');
  });

  it('maps code values, with a chosen fallback', () => {
    expect(run({ map: { M: 'm' }, otherwise: 'reject' }, 'M')).toBe('m');
    expect(run({ map: { M: 'm' }, otherwise: 'reject' }, 'Q')).toMatchObject({ rule: 'mapping_code' });
    expect(run({ map: { M: 'm' }, otherwise: 'keep' }, 'Q')).toBe('Q');
    expect(run({ map: { M: 'm' }, otherwise: 'empty' }, 'Q')).toBe('');
  });

  it('does arithmetic without float noise and refuses a zero divisor', () => {
    expect(run({ multiply: 0.01 }, '1999')).toBe('19.99');
    expect(run({ multiply: 0.1 }, '3')).toBe('0.3');
    expect(run({ divideBy: 'n' }, '29.33', { n: '2' })).toBe('14.665');
    expect(run({ divideBy: 'n' }, '10', { n: '0' })).toMatchObject({ rule: 'mapping_arithmetic' });
    expect(run('negate', '-5')).toBe('5');
    expect(run('abs', '-2.5')).toBe('2.5');
    expect(run('negate', 'x')).toMatchObject({ rule: 'mapping_number' });
  });

  it('shifts dates and keeps the time of day', () => {
    expect(run({ addDays: 7 }, '2026-02-25')).toBe('2026-03-04');
    expect(run({ addDays: -1 }, '2026-03-01T09:30:00')).toBe('2026-02-28T09:30:00');
    expect(run('date_only', '2010-12-01 08:26:00')).toBe('2010-12-01');
    expect(run({ prefix: 'H' }, '7')).toBe('H7');
  });
});

describe('compileDatePattern', () => {
  it('reads day-first, compact and two-digit-year dates into ISO', () => {
    expect(compileDatePattern('dd/MM/yyyy')('01/03/2026')).toBe('2026-03-01');
    expect(compileDatePattern('d.M.yy H:mm')('1.3.26 9:05')).toBe('2026-03-01T09:05:00');
    expect(compileDatePattern('yyyyMMdd')('19970101')).toBe('1997-01-01');
    expect(compileDatePattern('yyyyMMdd', 'timestamp')('19970101')).toBe('1997-01-01T00:00:00');
    expect(compileDatePattern('yyyy-MM-dd HH:mm:ss', 'date')('2010-12-01 08:26:00')).toBe('2010-12-01');
    expect(compileDatePattern('yyyy-MM-dd HH:mm:ss.SSS')('2010-12-01 08:26:00.250')).toBe(
      '2010-12-01T08:26:00.250',
    );
  });

  it('names the pattern a value does not match, and refuses a pattern without a full date', () => {
    expect(compileDatePattern('dd/MM/yyyy')('2026-03-01')).toMatchObject({
      rule: 'mapping_date',
      message: '"2026-03-01" does not match the date pattern dd/MM/yyyy',
    });
    expect(() => compileDatePattern('MM/yyyy')).toThrow(/year, a month and a day/);
  });
});

describe('compileMapping: row outputs', () => {
  const compiled = compileMapping(
    mapping([
      {
        dataset: 'contacts',
        mode: 'row',
        where: { column: 'kind', equals: 'skip', not: true },
        columns: {
          contact_id: { row: true, transforms: [{ prefix: 'K' }] },
          customer_id: { from: 'Customer', transforms: ['float_id'] },
          group: { from: 'arm', transforms: [{ map: { none: 'control', a: 'treatment' } }] },
          offer_id: { from: 'arm', when: { column: 'arm', equals: 'none', not: true } },
          sent_at: { value: '2026-03-01T09:00:00' },
        },
      },
    ]),
  );
  const [rows] = compiled.rows;

  it('lists the source columns it reads, including those of conditions', () => {
    expect([...compiled.sourceColumns].sort()).toEqual(['Customer', 'arm', 'kind']);
    expect(compiled.datasets).toEqual(['contacts']);
  });

  it('maps a record cell by cell', () => {
    expect(rows?.map({ Customer: '17850.0', arm: 'a', kind: 'x' }, 3)).toEqual({
      values: {
        contact_id: 'K3',
        customer_id: '17850',
        group: 'treatment',
        offer_id: 'a',
        sent_at: '2026-03-01T09:00:00',
      },
      issues: [],
    });
  });

  it('leaves a cell empty when its condition fails, and skips records the output excludes', () => {
    expect(rows?.map({ Customer: '1', arm: 'none', kind: 'x' }, 1)?.values.offer_id).toBeUndefined();
    expect(rows?.map({ Customer: '1', arm: 'a', kind: 'skip' }, 1)).toBeUndefined();
  });

  it('reports a transform that fails as an issue on the target column, keeping the source text', () => {
    expect(rows?.map({ Customer: 'x1', arm: 'b', kind: 'x' }, 1)?.issues).toEqual([
      {
        column: 'customer_id',
        value: 'x1',
        rule: 'mapping_float_id',
        message: '"x1" is not an id written as a number such as 17850.0',
      },
      { column: 'group', value: 'b', rule: 'mapping_code', message: 'code "b" has no mapping' },
    ]);
  });

  it('leaves empty cells empty instead of transforming them', () => {
    expect(rows?.map({ Customer: '', arm: 'a', kind: 'x' }, 1)).toMatchObject({
      values: { customer_id: '' },
      issues: [],
    });
  });

  it('builds JSON objects of expressions, leaving out empty members', () => {
    const [customers] = compileMapping(
      mapping([
        {
          dataset: 'customers',
          mode: 'row',
          columns: {
            attributes: {
              json: { tier: { from: 't' }, spend: { from: 's', transforms: ['decimal_comma'] } },
            },
          },
        },
      ]),
    ).rows;
    expect(customers?.map({ t: 'gold', s: '12,5' }, 1)?.values.attributes).toBe(
      '{"tier":"gold","spend":"12.5"}',
    );
    expect(customers?.map({ t: '', s: '' }, 1)?.values.attributes).toBe('');
  });
});

describe('compileMapping: distinct outputs', () => {
  const [products] = compileMapping(
    mapping([
      {
        dataset: 'products',
        mode: 'distinct',
        key: { from: 'code' },
        columns: {
          product_id: { of: { from: 'code' } },
          category: { aggregate: 'last', of: { from: 'cat' } },
          price: { aggregate: 'mode', of: { from: 'price' } },
          subcategory: { aggregate: 'min', of: { from: 'day' } },
          unit_cost: { aggregate: 'max', of: { from: 'price' } },
        },
      },
    ]),
  ).distinct();
  const feed: Record<string, string>[] = [
    { code: 'A', cat: 'x', price: '2', day: '2024-03-01' },
    { code: 'B', cat: 'y', price: '10', day: '2024-01-01' },
    { code: 'A', cat: 'z', price: '3', day: '2023-12-31' },
    { code: '', cat: 'q', price: '9', day: '2020-01-01' },
    { code: 'A', cat: '', price: '3', day: '2024-02-01' },
    { code: 'A', cat: 'w', price: '2.5', day: '2024-05-01' },
  ];
  feed.forEach((cells, i) => {
    products?.add(cells, i + 1);
  });

  it('gives one record per non-empty key, in first-seen order, with each aggregate', () => {
    expect(products?.size).toBe(2);
    expect([...(products?.records() ?? [])]).toEqual([
      {
        firstLine: 1,
        issues: [],
        values: { product_id: 'A', category: 'w', price: '3', subcategory: '2023-12-31', unit_cost: '3' },
      },
      {
        firstLine: 2,
        issues: [],
        values: { product_id: 'B', category: 'y', price: '10', subcategory: '2024-01-01', unit_cost: '10' },
      },
    ]);
  });

  it('compares numbers as numbers for min and max (10 is more than 9)', () => {
    const [acc] = compileMapping(
      mapping([
        {
          dataset: 'products',
          mode: 'distinct',
          key: { value: 'k' },
          columns: { price: { aggregate: 'max', of: { from: 'p' } } },
        },
      ]),
    ).distinct();
    for (const p of ['9', '10', '2']) acc?.add({ p }, 1);
    expect([...(acc?.records() ?? [])][0]?.values.price).toBe('10');
  });

  it("keeps an entity's first issue so that it is refused with its reason", () => {
    const [acc] = compileMapping(
      mapping([
        {
          dataset: 'customers',
          mode: 'distinct',
          key: { from: 'id' },
          columns: {
            signup_date: { aggregate: 'min', of: { from: 'd', transforms: [{ date: 'dd/MM/yyyy' }] } },
          },
        },
      ]),
    ).distinct();
    acc?.add({ id: '1', d: '2024-01-01' }, 4);
    acc?.add({ id: '1', d: '02/01/2024' }, 5);
    const [entity] = acc?.records() ?? [];
    expect(entity?.issues).toEqual([
      expect.objectContaining({ column: 'signup_date', rule: 'mapping_date', value: '2024-01-01' }),
    ]);
    expect(entity?.values.signup_date).toBe('2024-01-02');
  });
});

describe('mappingSchema', () => {
  it('names unknown target columns, a dataset produced twice and malformed expressions', () => {
    expect(
      issuesOf({
        mappingVersion: 1,
        name: 'm',
        outputs: [
          {
            dataset: 'customers',
            mode: 'row',
            columns: { customer_id: { from: 'a' }, favourite_colour: { from: 'b' } },
          },
          { dataset: 'customers', mode: 'row', columns: { customer_id: { from: 'a', value: 'x' } } },
          {
            dataset: 'offers',
            mode: 'row',
            where: { column: 'a', equals: 'x', startsWith: 'y' },
            columns: {},
          },
        ],
      }),
    ).toEqual([
      'outputs.1.columns.customer_id: an expression has exactly one of from, value, row or json',
      'outputs.2.where: a condition has exactly one of equals, in, startsWith or empty',
      'outputs.0.columns.favourite_colour: customers has no column favourite_colour',
      'outputs.1.dataset: customers is produced twice',
    ]);
  });

  it('accepts every mapping shipped in mappings/', () => {
    const dir = new URL('../../../mappings/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const parsed = mappingSchema.safeParse(JSON.parse(readFileSync(new URL(f, dir), 'utf8')));
      expect(parsed.success, `${f}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      expect(parsed.data?.name).toBe(f.replace(/\.json$/, ''));
    }
  });
});
