import { z } from 'zod';
import { contractFor, DATASET_NAMES, type DatasetName } from '../contracts/datasets';
import { keySegment } from '../contracts/manifest';

/**
 * A mapping turns a partner's export, as it is, into the engine's datasets: it renames
 * columns, converts formats and units, maps code values and derives datasets (e.g. products and
 * customers from a transaction export). It is data, validated here, never code.
 */

export const condition = z
  .object({
    column: z.string().min(1),
    equals: z.string().optional(),
    in: z.array(z.string()).min(1).optional(),
    startsWith: z.string().optional(),
    empty: z.boolean().optional().describe('true: the cell is empty; false: it is not'),
    not: z.boolean().default(false).describe('negates the test'),
  })
  .strict()
  .refine(
    (c) => [c.equals, c.in, c.startsWith, c.empty].filter((t) => t !== undefined).length === 1,
    'a condition has exactly one of equals, in, startsWith or empty',
  );
export type Condition = z.infer<typeof condition>;

export const transform = z.union([
  z.enum(['trim', 'upper', 'lower', 'float_id', 'decimal_comma', 'negate', 'abs', 'date_only']),
  z
    .object({
      date: z.string().min(2).describe('source pattern, e.g. dd/MM/yyyy HH:mm or yyyyMMdd'),
      to: z.enum(['date', 'timestamp']).optional().describe('timestamp: a date-only pattern gives midnight'),
    })
    .strict(),
  z
    .object({
      map: z.record(z.string(), z.string()),
      otherwise: z.enum(['reject', 'keep', 'empty']).default('reject'),
    })
    .strict(),
  z.object({ multiply: z.number().finite() }).strict(),
  z.object({ divideBy: z.string().min(1).describe('another source column') }).strict(),
  z.object({ prefix: z.string().max(32) }).strict(),
  z.object({ addDays: z.number().int().min(-36_500).max(36_500) }).strict(),
  z
    .object({
      hash: z
        .enum(['email', 'phone', 'text'])
        .describe('replaces personal data by a keyed hash: e-mails lower-cased, phones reduced to digits'),
    })
    .strict(),
]);
export type Transform = z.infer<typeof transform>;

interface ExpressionShape {
  from?: string | undefined;
  value?: string | undefined;
  row?: boolean | undefined;
  json?: Record<string, ExpressionShape> | undefined;
  when?: Condition | undefined;
  transforms: Transform[];
}

/** A target cell: a source column, a constant, the record number or a JSON object of expressions. */
export const expression: z.ZodType<ExpressionShape> = z.lazy(() =>
  z
    .object({
      from: z.string().min(1).optional(),
      value: z.string().optional(),
      row: z.literal(true).optional().describe("the record's 1-based number, for exports without line ids"),
      json: z
        .record(z.string(), expression)
        .optional()
        .describe('a JSON object of expressions, e.g. for attributes'),
      when: condition.optional().describe('when false the cell is empty'),
      transforms: z.array(transform).default([]),
    })
    .strict()
    .refine(
      (e) => [e.from, e.value, e.row, e.json].filter((s) => s !== undefined).length === 1,
      'an expression has exactly one of from, value, row or json',
    ),
);
export type Expression = z.infer<typeof expression>;

export const AGGREGATES = ['first', 'last', 'min', 'max', 'mode'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

const datasetName = z.enum(DATASET_NAMES as [DatasetName, ...DatasetName[]]);

export const rowOutput = z
  .object({
    dataset: datasetName,
    mode: z.literal('row'),
    where: condition.optional().describe('records it does not hold for are not part of this dataset'),
    columns: z.record(z.string(), expression),
  })
  .strict();

export const distinctOutput = z
  .object({
    dataset: datasetName,
    mode: z.literal('distinct'),
    key: expression.describe('one output record per distinct non-empty key'),
    where: condition.optional(),
    columns: z.record(
      z.string(),
      z.object({ aggregate: z.enum(AGGREGATES).default('first'), of: expression }).strict(),
    ),
  })
  .strict();

export type RowOutput = z.infer<typeof rowOutput>;
export type DistinctOutput = z.infer<typeof distinctOutput>;

export const mappingSchema = z
  .object({
    mappingVersion: z.literal(1),
    name: keySegment,
    description: z.string().max(1000).default(''),
    outputs: z.array(z.discriminatedUnion('mode', [rowOutput, distinctOutput])).min(1),
  })
  .strict()
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    for (const [i, output] of m.outputs.entries()) {
      if (seen.has(output.dataset)) {
        ctx.addIssue({
          code: 'custom',
          path: ['outputs', i, 'dataset'],
          message: `${output.dataset} is produced twice`,
        });
      }
      seen.add(output.dataset);
      const known = new Set(contractFor(output.dataset).columns.map((c) => c.name));
      for (const column of Object.keys(output.columns)) {
        if (!known.has(column)) {
          ctx.addIssue({
            code: 'custom',
            path: ['outputs', i, 'columns', column],
            message: `${output.dataset} has no column ${column}`,
          });
        }
      }
    }
  });
export type Mapping = z.infer<typeof mappingSchema>;
