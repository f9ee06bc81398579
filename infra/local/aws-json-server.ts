import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A client error an AWS JSON service returns: the SDK throws an exception named `type`. */
export class AwsApiError extends Error {
  public constructor(
    public readonly type: string,
    message: string,
    public readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** One operation: the parsed JSON input in, the JSON output out. Throw AwsApiError for client errors. */
export type JsonOperation = (input: Record<string, unknown>) => unknown;

export interface AwsJsonServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * An HTTP server speaking the AWS JSON protocols (awsJson1_0 / 1_1): `POST /` with
 * `X-Amz-Target: <prefix>.<Operation>` and a JSON body. Errors are AWS JSON errors: the SDK
 * takes the error name from the body's `__type` (or the `x-amzn-errortype` header) and the text
 * from `message`. Signatures are not checked.
 */
export async function startAwsJsonServer(options: {
  targetPrefix: string;
  contentType: 'application/x-amz-json-1.0' | 'application/x-amz-json-1.1';
  operations: Readonly<Record<string, JsonOperation>>;
  port?: number;
}): Promise<AwsJsonServer> {
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      sendError(response, new AwsApiError('InternalServerException', errorText(error), 500));
    });
  });

  function send(
    response: ServerResponse,
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ) {
    if (response.headersSent) return;
    const text = JSON.stringify(payload);
    response.writeHead(status, {
      'content-type': options.contentType,
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
      ...headers,
    });
    response.end(text);
  }

  function sendError(response: ServerResponse, error: AwsApiError): void {
    send(
      response,
      error.status,
      { __type: error.type, message: error.message },
      { 'x-amzn-errortype': error.type },
    );
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const target = request.headers['x-amz-target'];
    const prefix = `${options.targetPrefix}.`;
    const name = typeof target === 'string' && target.startsWith(prefix) ? target.slice(prefix.length) : '';
    const operation = request.method === 'POST' ? options.operations[name] : undefined;
    if (!operation) {
      const shown = typeof target === 'string' ? target : '(no X-Amz-Target)';
      sendError(response, new AwsApiError('UnknownOperationException', `Unknown operation ${shown}`));
      return;
    }
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      sendError(response, new AwsApiError('SerializationException', 'The request body is not valid JSON'));
      return;
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      sendError(
        response,
        new AwsApiError('SerializationException', 'The request body must be a JSON object'),
      );
      return;
    }
    try {
      send(response, 200, (await operation(input as Record<string, unknown>)) ?? {});
    } catch (error) {
      sendError(
        response,
        error instanceof AwsApiError
          ? error
          : new AwsApiError('InternalServerException', errorText(error), 500),
      );
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep sockets alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new AwsApiError('SerializationException', 'request body too large', 413);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
