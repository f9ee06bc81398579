/** Environment variables that carry resource names and settings. None has a default. */
export const ENV = {
  landingBucket: 'LANDING_BUCKET_NAME',
  lakeBucket: 'LAKE_BUCKET_NAME',
  athenaResultsBucket: 'ATHENA_RESULTS_BUCKET_NAME',
  athenaWorkgroup: 'ATHENA_WORKGROUP',
  athenaDatabase: 'ATHENA_DATABASE',
  runsTable: 'RUNS_TABLE_NAME',
  recommendationsTable: 'RECOMMENDATIONS_TABLE_NAME',
  stateMachineArn: 'STATE_MACHINE_ARN',
  campaignDefaults: 'CAMPAIGN_DEFAULTS',
  priceTable: 'PRICE_TABLE',
  intakeLimits: 'INTAKE_LIMITS',
  piiKeySecret: 'PII_HASH_KEY_SECRET_ID',
} as const;

export type EnvKey = keyof typeof ENV;
