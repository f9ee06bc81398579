import { z } from 'zod';
import { DATASET_NAMES, type DatasetName } from './datasets';

/** Partner and batch ids become S3 key segments, so they are restricted to key-safe characters. */
export const keySegment = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'use letters, digits, dot, dash or underscore, starting with a letter or digit',
  );

export const fileName = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'a plain file name: letters, digits, dot, dash or underscore, no slashes',
  );

const isoDate = z.iso.date({ message: 'must be a date as YYYY-MM-DD' });

/** Campaign settings a batch may carry; the API and the deployed defaults fill what is missing. */
export const campaignSettings = z
  .object({
    budget: z.number().positive().describe('Campaign spend cap: contact costs plus expected discount costs.'),
    holdoutFraction: z
      .number()
      .min(0)
      .max(0.5)
      .describe('Share of eligible customers kept out as a control group.'),
    sendDate: isoDate.describe('Day the campaign is sent.'),
    coolDownDays: z
      .number()
      .int()
      .min(0)
      .describe('Days since the last contact before a customer may be contacted again.'),
    maxContacts30: z
      .number()
      .int()
      .min(0)
      .describe('Most contacts in the last 30 days a customer may have had to be contacted again.'),
    minRoi: z
      .number()
      .describe('Least expected incremental profit per unit of spend for a contact to be sent.'),
    priorUpliftShare: z
      .number()
      .gt(0)
      .lt(1)
      .describe(
        "Used only when the contacts have no randomized control group: the assumed share of a contact's responses it causes (default 0.1).",
      ),
    parity: z
      .object({
        attribute: z.enum(['gender', 'age_band', 'region']),
        minRatio: z.number().gt(0).max(1),
      })
      .strict()
      .describe(
        "Optional: each group of the attribute gets offers at >= minRatio × the best-served group's rate (e.g. 0.8).",
      ),
  })
  .partial()
  .strict();

export type CampaignSettings = z.infer<typeof campaignSettings>;

export const FILE_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export const ENCODINGS = ['utf-8', 'latin1'] as const;

/** `whitespace` splits on runs of spaces and tabs, for column-aligned text exports. */
export const delimiter = z.union([
  z
    .string()
    .length(1)
    .refine((d) => !['"', '\n', '\r'].includes(d), 'must not be a quote or a line break'),
  z.literal('whitespace'),
]);

export const manifestFile = z
  .object({
    dataset: z
      .enum(DATASET_NAMES as [DatasetName, ...DatasetName[]])
      .describe('The dataset the file holds; with a mapping, the mapping may derive more.'),
    key: fileName.describe('File name inside the batch folder.'),
    format: z.enum(FILE_FORMATS).default('csv'),
    compression: z.enum(['none', 'gzip']).default('none'),
    encoding: z.enum(ENCODINGS).default('utf-8').describe('Text encoding of csv and jsonl files.'),
    delimiter: delimiter.default(','),
    header: z.boolean().default(true).describe('Whether a csv file starts with a header row.'),
    columns: z
      .array(z.string().min(1).max(128))
      .min(1)
      .optional()
      .describe('Column names of a csv file without a header row.'),
    mapping: keySegment
      .optional()
      .describe("A mapping in the partner's folder, incoming/{partner}/mappings/{mapping}.json."),
    rows: z.number().int().nonnegative().describe('Expected number of data rows, header excluded.'),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be the lowercase hex SHA-256 of the file as uploaded')
      .describe('Checksum of the bytes as uploaded (compressed bytes for gzip files).'),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.format === 'csv' && !f.header && !f.columns) {
      ctx.addIssue({
        code: 'custom',
        path: ['columns'],
        message: 'a csv file without a header needs its column names',
      });
    }
    if (f.format !== 'csv' && (f.columns || !f.header || f.delimiter !== ',')) {
      ctx.addIssue({
        code: 'custom',
        path: ['format'],
        message: 'header, columns and delimiter apply to csv files only',
      });
    }
    if (f.format === 'parquet' && (f.compression !== 'none' || f.encoding !== 'utf-8')) {
      ctx.addIssue({
        code: 'custom',
        path: ['compression'],
        message: 'a parquet file carries its own compression and encoding; declare none and utf-8',
      });
    }
  });

export type ManifestFile = z.infer<typeof manifestFile>;

export const manifest = z
  .object({
    manifestVersion: z.literal(1),
    partner: keySegment,
    batchId: keySegment,
    createdAt: z.iso.datetime({ offset: true }).optional(),
    asOf: isoDate.optional().describe('Data cut-off; defaults to the day after the last transaction.'),
    campaign: campaignSettings.optional(),
    files: z.array(manifestFile).min(1),
  })
  .strict()
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    for (const [i, f] of m.files.entries()) {
      if (seen.has(f.dataset)) {
        ctx.addIssue({
          code: 'custom',
          path: ['files', i, 'dataset'],
          message: `dataset ${f.dataset} is listed twice`,
        });
      }
      seen.add(f.dataset);
    }
  });

export type Manifest = z.infer<typeof manifest>;

/** `incoming/{partner}/{batchId}/manifest.json` */
export const MANIFEST_KEY =
  /^incoming\/([A-Za-z0-9][A-Za-z0-9._-]*)\/([A-Za-z0-9][A-Za-z0-9._-]*)\/manifest\.json$/;

export function batchPrefix(partner: string, batchId: string): string {
  return `incoming/${partner}/${batchId}/`;
}

export function manifestKey(partner: string, batchId: string): string {
  return `${batchPrefix(partner, batchId)}manifest.json`;
}
