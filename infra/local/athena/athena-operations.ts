import type { JsonOperation } from '../aws-json-server';
import { invalidRequest, type QueryRecord } from './athena-types';
import type { QueryRunner } from './query-runner';
import { leadingKeyword } from './sql-text';

export interface OperationConfig {
  workgroup: string;
  database: string;
  /** Normalized `s3://bucket/prefix/`. */
  outputLocation: string;
}

const DEFAULT_WORKGROUP = 'primary';

/** The Athena operations the local endpoint answers, in Athena's JSON shapes. */
export function athenaOperations(
  runner: QueryRunner,
  config: OperationConfig,
): Record<string, JsonOperation> {
  const checkWorkgroup = (input: Record<string, unknown>): string => {
    const workgroup = optionalString(input, 'WorkGroup') ?? DEFAULT_WORKGROUP;
    if (workgroup !== config.workgroup) throw invalidRequest(`WorkGroup ${workgroup} is not found.`);
    return workgroup;
  };

  return {
    StartQueryExecution: (input) => {
      const query = requiredString(input, 'QueryString');
      const workgroup = checkWorkgroup(input);
      const context = objectField(input, 'QueryExecutionContext');
      const parameters = input.ExecutionParameters;
      if (parameters !== undefined && !isStringArray(parameters)) {
        throw invalidRequest('ExecutionParameters must be a list of strings');
      }
      // ResultConfiguration is ignored: the workgroup's output location is enforced.
      const record = runner.submit({
        query,
        workgroup,
        database: optionalString(context, 'Database') ?? config.database,
        clientRequestToken: optionalString(input, 'ClientRequestToken'),
        executionParameters: parameters,
      });
      return { QueryExecutionId: record.id };
    },

    GetQueryExecution: (input) => ({
      QueryExecution: queryExecution(runner.get(requiredString(input, 'QueryExecutionId')), config),
    }),

    BatchGetQueryExecution: (input) => {
      const ids = input.QueryExecutionIds;
      if (!isStringArray(ids) || ids.length === 0 || ids.length > 50) {
        throw invalidRequest('QueryExecutionIds must list 1 to 50 ids');
      }
      const found = ids.flatMap((id) => {
        try {
          return [runner.get(id)];
        } catch {
          return [];
        }
      });
      return {
        QueryExecutions: found.map((record) => queryExecution(record, config)),
        UnprocessedQueryExecutionIds: ids
          .filter((id) => !found.some((record) => record.id === id))
          .map((id) => ({ QueryExecutionId: id, ErrorCode: 'INVALID_INPUT', ErrorMessage: 'not found' })),
      };
    },

    GetQueryResults: async (input) => {
      const record = runner.get(requiredString(input, 'QueryExecutionId'));
      const result = runner.resultOf(record);
      const max = pageSize(input, 1000);
      // Rows are numbered as Athena returns them: 0 is the header row, then the data.
      const start = decodeToken(optionalString(input, 'NextToken'), record.id);
      const rows: { Data: { VarCharValue?: string }[] }[] = [];
      if (start === 0) rows.push({ Data: result.columns.map((column) => ({ VarCharValue: column.name })) });
      const dataFrom = Math.max(start - 1, 0);
      const data = await runner.readRows(record, dataFrom, max - rows.length);
      for (const row of data) {
        rows.push({ Data: row.map((cell) => (cell === null ? {} : { VarCharValue: cell })) });
      }
      const next = start + rows.length;
      return {
        UpdateCount: 0,
        ResultSet: {
          Rows: rows,
          ResultSetMetadata: {
            ColumnInfo: result.columns.map((column) => ({
              CatalogName: 'hive',
              SchemaName: '',
              TableName: '',
              Name: column.name,
              Label: column.name,
              Type: column.type,
              Precision: column.precision,
              Scale: column.scale,
              Nullable: 'UNKNOWN',
              CaseSensitive: column.caseSensitive,
            })),
          },
        },
        ...(next < result.rowCount + 1 ? { NextToken: encodeToken(record.id, next) } : {}),
      };
    },

    StopQueryExecution: (input) => {
      runner.stop(requiredString(input, 'QueryExecutionId'));
      return {};
    },

    ListQueryExecutions: (input) => {
      const ids = runner.list(checkWorkgroup(input));
      const max = pageSize(input, 50);
      const start = decodeToken(optionalString(input, 'NextToken'), 'list');
      const next = start + max;
      return {
        QueryExecutionIds: ids.slice(start, next),
        ...(next < ids.length ? { NextToken: encodeToken('list', next) } : {}),
      };
    },
  };
}

/** Athena's QueryExecution structure; dates are epoch seconds, which the SDK turns into Dates. */
function queryExecution(record: QueryRecord, config: OperationConfig): Record<string, unknown> {
  const now = Date.now();
  const queueMillis = (record.startedAt ?? now) - record.submittedAt;
  const totalMillis = (record.completedAt ?? now) - record.submittedAt;
  const failed = record.state === 'FAILED';
  return {
    QueryExecutionId: record.id,
    Query: record.query,
    StatementType: record.statementType,
    ...(['SELECT', 'WITH'].includes(leadingKeyword(record.query)) ? { SubstatementType: 'SELECT' } : {}),
    ResultConfiguration: { OutputLocation: `${config.outputLocation}${record.id}.csv` },
    QueryExecutionContext: { Database: record.database, Catalog: 'awsdatacatalog' },
    Status: {
      State: record.state,
      ...(record.stateChangeReason !== undefined ? { StateChangeReason: record.stateChangeReason } : {}),
      SubmissionDateTime: record.submittedAt / 1000,
      ...(record.completedAt !== undefined ? { CompletionDateTime: record.completedAt / 1000 } : {}),
      ...(failed
        ? {
            AthenaError: { ErrorCategory: 2, Retryable: false, ErrorMessage: record.stateChangeReason ?? '' },
          }
        : {}),
    },
    Statistics: {
      EngineExecutionTimeInMillis: record.engineMillis,
      DataScannedInBytes: record.dataScannedBytes,
      TotalExecutionTimeInMillis: totalMillis,
      QueryQueueTimeInMillis: queueMillis,
      ServiceProcessingTimeInMillis: Math.max(totalMillis - queueMillis - record.engineMillis, 0),
    },
    WorkGroup: record.workgroup,
    EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
    ...(record.executionParameters ? { ExecutionParameters: record.executionParameters } : {}),
  };
}

function requiredString(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') throw invalidRequest(`${field} is required`);
  return value;
}

function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`${field} must be a string`);
  return value;
}

function objectField(input: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = input[field];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function pageSize(input: Record<string, unknown>, limit: number): number {
  const value = input.MaxResults ?? limit;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > limit) {
    throw invalidRequest(`MaxResults must be an integer between 1 and ${limit}`);
  }
  return value;
}

/** Opaque paging tokens, bound to what they page over so a token cannot be replayed elsewhere. */
function encodeToken(scope: string, position: number): string {
  return Buffer.from(JSON.stringify({ scope, position })).toString('base64url');
}

function decodeToken(token: string | undefined, scope: string): number {
  if (token === undefined) return 0;
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      scope?: unknown;
      position?: unknown;
    };
    const position = decoded.position;
    if (
      decoded.scope === scope &&
      typeof position === 'number' &&
      Number.isInteger(position) &&
      position >= 0
    ) {
      return position;
    }
  } catch {
    // fall through to the error below
  }
  throw invalidRequest('The NextToken is not valid');
}
