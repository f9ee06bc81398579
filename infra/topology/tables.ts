/**
 * DynamoDB key design, read by the CDK stateful stack and by the local stack's table set-up.
 *
 * runs: one item per run (`run#{runId}`), one claim per manifest version (`batch#...`) for
 * idempotency, and the pointer to the latest published run (`published#current`). Runs are listed
 * newest first through the `byStartedAt` index, which only run items populate.
 *
 * recommendations: one item per customer and run (`{runId}#{rank}`), expiring after a retention period.
 */
export interface TableSpec {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: readonly {
    readonly name: string;
    readonly partitionKey: string;
    readonly sortKey: string;
  }[];
  readonly timeToLiveAttribute?: string;
}

export const tables = {
  runs: {
    partitionKey: 'pk',
    indexes: [{ name: 'byStartedAt', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  },
  recommendations: {
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [],
    timeToLiveAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableSpec>;
