/** Starts a campaign run (a Step Functions execution) under a chosen name. */
export interface RunStarter {
  start(runId: string, input: unknown): Promise<{ executionArn: string }>;
}
