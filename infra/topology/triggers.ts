/**
 * What starts a run. The CDK app creates an EventBridge rule with this pattern; the local stack
 * matches S3 notifications against the very same pattern before it starts an execution.
 */
export function manifestUploadedPattern(landingBucketName: string) {
  return {
    source: ['aws.s3'],
    'detail-type': ['Object Created'],
    detail: {
      bucket: { name: [landingBucketName] },
      object: { key: [{ wildcard: 'incoming/*/*/manifest.json' }] },
    },
  } as const;
}

export interface ScheduleSpec {
  readonly name: string;
  readonly description: string;
  /** EventBridge Scheduler expression. */
  readonly expression: string;
  readonly timezone: string;
}

/** The recurring campaign run: each Monday morning, re-plan on the partner's latest batch. */
export const weeklyCampaignSchedule: ScheduleSpec = {
  name: 'weekly-campaign-run',
  description: "Plans the weekly campaign on the partner's latest batch.",
  expression: 'cron(0 6 ? * MON *)',
  timezone: 'Europe/Amsterdam',
};
