import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ApiRoute, apiRoutes, type RouteName } from '../../shared/api/routes';
import { type ApiFunctionName, apiFunctions } from '../topology/functions';
import { LOCAL_ACCOUNT, type LocalLambdaRuntime } from './lambda-runtime';

interface TokenVerifier {
  verify(token: string): Promise<Record<string, unknown>>;
}

interface CompiledRoute {
  readonly name: RouteName;
  readonly route: ApiRoute;
  readonly fn: ApiFunctionName;
  readonly pattern: RegExp;
  readonly params: string[];
}

const MAX_BODY_BYTES = 10 * 1024 * 1024; // API Gateway's payload limit

function compile(): CompiledRoute[] {
  return (Object.entries(apiRoutes) as [RouteName, ApiRoute][]).map(([name, route]) => {
    const fn = (Object.entries(apiFunctions) as [ApiFunctionName, { route?: RouteName }][]).find(
      ([, spec]) => spec.route === name,
    )?.[0];
    if (!fn) throw new Error(`no function serves route ${name}`);
    const params: string[] = [];
    const source = route.path.replace(/\{(\w+)\}/g, (_, p: string) => {
      params.push(p);
      return '([^/]+)';
    });
    return { name, route, fn, pattern: new RegExp(`^${source}$`), params };
  });
}

/** HTTP APIs hand claims to the function as strings; arrays become "[a b]". */
export function flattenClaims(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]),
  );
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('payload too large');
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 0 ? undefined : Buffer.concat(chunks).toString('utf8');
}

/**
 * A local HTTP API: routes from the same table CDK uses, a JWT authorizer that verifies tokens
 * like the Cognito authorizer (401 before any function runs), and payload-v2 events handed to
 * the same handler modules.
 */
export async function startLocalApiGateway(options: {
  runtime: LocalLambdaRuntime;
  verifier: TokenVerifier;
  port?: number;
}): Promise<{ endpoint: string; close(): Promise<void> }> {
  const routes = compile();
  const server = createServer((request, response) => {
    handle(request, response).catch(() =>
      send(
        response,
        500,
        { 'content-type': 'application/json' },
        JSON.stringify({ message: 'Internal Server Error' }),
      ),
    );
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const match = routes
      .filter((r) => r.route.method === method)
      .map((r) => ({ r, m: r.pattern.exec(url.pathname) }))
      .find((x) => x.m !== null);
    if (!match?.m) {
      send(response, 404, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Not Found' }));
      return;
    }
    const header = request.headers.authorization ?? '';
    const token = header.replace(/^Bearer\s+/i, '');
    let claims: Record<string, unknown>;
    try {
      if (!token) throw new Error('no token');
      claims = await options.verifier.verify(token);
    } catch {
      send(
        response,
        401,
        { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
        JSON.stringify({ message: 'Unauthorized' }),
      );
      return;
    }
    const body = await readBody(request);
    const now = new Date();
    const routeKey = `${match.r.route.method} ${match.r.route.path}`;
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [
        k.toLowerCase(),
        Array.isArray(v) ? v.join(',') : (v ?? ''),
      ]),
    );
    const query = Object.fromEntries(url.searchParams.entries());
    const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
      version: '2.0',
      routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
      ...(match.r.params.length > 0
        ? {
            pathParameters: Object.fromEntries(
              match.r.params.map((p, i) => [p, decodeURIComponent(match.m?.[i + 1] ?? '')]),
            ),
          }
        : {}),
      requestContext: {
        accountId: LOCAL_ACCOUNT,
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'local',
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${request.httpVersion}`,
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        authorizer: {
          principalId: '',
          integrationLatency: 0,
          jwt: {
            claims: flattenClaims(claims),
            scopes: typeof claims.scope === 'string' ? claims.scope.split(' ') : [],
          },
        },
      },
      ...(body === undefined ? {} : { body }),
      isBase64Encoded: false,
    };
    const result = (await options.runtime.invoke(match.r.fn, event)) as APIGatewayProxyStructuredResultV2;
    send(
      response,
      result.statusCode ?? 200,
      Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
      result.isBase64Encoded
        ? Buffer.from(result.body ?? '', 'base64').toString('utf8')
        : (result.body ?? ''),
    );
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
