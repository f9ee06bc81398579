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
  })
  .partial()
  .strict();

export type CampaignSettings = z.infer<typeof campaignSettings>;

export const manifestFile = z
  .object({
    dataset: z.enum(DATASET_NAMES as [DatasetName, ...DatasetName[]]),
    key: fileName.describe('File name inside the batch folder.'),
    format: z.literal('csv'),
    compression: z.enum(['none', 'gzip']).default('none'),
    delimiter: z
      .string()
      .length(1)
      .refine((d) => !['"', '\n', '\r'].includes(d), 'must not be a quote or a line break')
      .default(','),
    rows: z.number().int().nonnegative().describe('Expected number of data rows, header excluded.'),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be the lowercase hex SHA-256 of the file as uploaded')
      .describe('Checksum of the bytes as uploaded (compressed bytes for gzip files).'),
  })
  .strict();

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
