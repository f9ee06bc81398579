import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { QueryFailedError } from '../../domain/errors';
import { currentMeter } from '../../lambda/usage-meter';
import type { CompletedQuery, QueryEngine, ResultRow } from '../../ports/query-engine';

export interface AthenaSettings {
  readonly workgroup: string;
  readonly database: string;
  /** Polling interval bounds; Athena queries take seconds, so back off to at most maxPollMs. */
  readonly minPollMs?: number;
  readonly maxPollMs?: number;
}

/** Athena behind the QueryEngine port: the same calls on AWS and against the local endpoint. */
export class AthenaQueryEngine implements QueryEngine {
  public constructor(
    private readonly athena: AthenaClient,
    private readonly settings: AthenaSettings,
  ) {}

  public async run(name: string, sql: string): Promise<CompletedQuery> {
    const started = await this.athena.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: this.settings.workgroup,
        QueryExecutionContext: { Database: this.settings.database },
      }),
    );
    const id = started.QueryExecutionId;
    if (!id) throw new QueryFailedError(name, 'Athena returned no query execution id');
    const execution = await this.waitForCompletion(name, id);
    const bytesScanned = execution.Statistics?.DataScannedInBytes ?? 0;
    currentMeter()?.athenaQuery(bytesScanned);
    const location = execution.ResultConfiguration?.OutputLocation;
    if (!location) throw new QueryFailedError(name, `query ${id} has no output location`);
    return {
      queryExecutionId: id,
      result: parseS3Uri(location),
      bytesScanned,
      engineMs: execution.Statistics?.EngineExecutionTimeInMillis ?? 0,
    };
  }

  public async *rows(queryExecutionId: string): AsyncIterable<ResultRow> {
    let token: string | undefined;
    let header: string[] | undefined;
    do {
      const page = await this.athena.send(
        new GetQueryResultsCommand({
          QueryExecutionId: queryExecutionId,
          MaxResults: 1000,
          NextToken: token,
        }),
      );
      const rows = page.ResultSet?.Rows ?? [];
      for (const row of rows) {
        const cells = (row.Data ?? []).map((d) => d.VarCharValue ?? null);
        if (!header) {
          // Athena's first page starts with the column names.
          header = cells.map((c, i) => c ?? `_${i}`);
          continue;
        }
        yield Object.fromEntries(header.map((h, i) => [h, cells[i] ?? null]));
      }
      token = page.NextToken;
    } while (token);
  }

  private async waitForCompletion(name: string, id: string): Promise<QueryExecution> {
    let pollMs = this.settings.minPollMs ?? 100;
    for (;;) {
      const { QueryExecution: execution } = await this.athena.send(
        new GetQueryExecutionCommand({ QueryExecutionId: id }),
      );
      const state = execution?.Status?.State;
      if (execution && state === 'SUCCEEDED') return execution;
      if (state === 'FAILED' || state === 'CANCELLED') {
        // Athena bills what a failed or cancelled query scanned too.
        currentMeter()?.athenaQuery(execution?.Statistics?.DataScannedInBytes ?? 0);
        throw new QueryFailedError(name, execution?.Status?.StateChangeReason ?? state);
      }
      await sleep(pollMs);
      // A gentle back-off: a poll that comes late adds half its interval to the stage on average.
      pollMs = Math.min(pollMs * 1.5, this.settings.maxPollMs ?? 1000);
    }
  }
}

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m?.[1] || !m[2]) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: m[1], key: m[2] };
}
