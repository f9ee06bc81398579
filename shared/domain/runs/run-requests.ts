import { z } from 'zod';
import { campaignSettings, keySegment } from '../contracts/manifest';

/** The events that start a run, as the state machine hands them to RegisterRun. */

export const s3ObjectCreated = z.object({
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      etag: z.string().optional(),
      'version-id': z.string().optional(),
    }),
  }),
});

export const API_SOURCE = 'campaign-optimizer.api';
export const SCHEDULE_SOURCE = 'campaign-optimizer.schedule';

export const apiRunRequest = z.object({
  source: z.literal(API_SOURCE),
  bucket: z.string().min(1),
  manifestKey: z.string().min(1),
  manifestVersion: z.string().min(1),
  requestedBy: z.string().min(1),
  campaign: campaignSettings.optional(),
});
export type ApiRunRequest = z.infer<typeof apiRunRequest>;

export const scheduledRun = z.object({
  source: z.literal(SCHEDULE_SOURCE),
  scheduleName: z.string().min(1),
  scheduledAt: z.string().min(1),
  partner: keySegment,
});

export const registerRunInput = z.object({
  event: z.union([s3ObjectCreated, apiRunRequest, scheduledRun]),
  runId: z.string().min(1),
  startedAt: z.string().min(1),
});
export type RegisterRunInput = z.infer<typeof registerRunInput>;

/** Defaults for what a batch or request does not say; deployed as configuration. */
export const campaignDefaults = z.object({
  budget: z.number().positive(),
  holdoutFraction: z.number().min(0).max(0.5),
  seed: z.number().int(),
  currency: z.string().length(3),
  /** The send date, when not given, is this many days after the run starts. */
  sendLeadDays: z.number().int().min(0).max(60),
});
export type CampaignDefaults = z.infer<typeof campaignDefaults>;

/** A sortable, Step Functions-safe run id: `r20261122T070000Z-1a2b3c`. */
export function newRunId(now: Date, random: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `r${stamp}-${random}`;
}
