import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { ApiRoute } from '#shared/api/routes';
import { keySegment } from '#shared/domain/contracts/manifest';
import {
  ConfigurationError,
  ConflictError,
  DomainError,
  NotFoundError,
  PermissionError,
} from '#shared/domain/errors';
import { HttpError } from '#shared/lambda/http-errors';
import { type HttpRequest, httpRoute } from '#shared/lambda/http-route';
import { logger } from '#shared/lambda/logger';
import { fakeLambdaContext } from '../../support/fakes';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const route: ApiRoute = {
  method: 'POST',
  path: '/things/{thingId}',
  roles: ['marketing', 'admin'],
  summary: 'test route',
};

const schemas = {
  path: z.object({ thingId: z.string().regex(/^t\d+$/) }),
  query: z.object({ limit: z.coerce.number().int().min(1).max(10).default(5) }),
  body: z.object({ batchId: keySegment, note: z.string().optional() }).strict(),
};

type Request = HttpRequest<
  z.infer<typeof schemas.path>,
  z.infer<typeof schemas.query>,
  z.infer<typeof schemas.body>
>;

/** A payload-v2 event as an HTTP API with a JWT authorizer sends it. */
function event(
  options: {
    claims?: Record<string, string | number | boolean | string[]> | null;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    body?: string;
    isBase64Encoded?: boolean;
  } = {},
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const claims =
    options.claims === null
      ? undefined
      : (options.claims ?? { sub: 'user-1', username: 'maria', 'cognito:groups': '[marketing]' });
  return {
    version: '2.0',
    routeKey: 'POST /things/{thingId}',
    rawPath: '/things/t1',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters: options.pathParameters ?? { thingId: 't1' },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.body === undefined ? {} : { body: options.body }),
    isBase64Encoded: options.isBase64Encoded ?? false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'api.example',
      domainPrefix: 'api',
      http: {
        method: 'POST',
        path: '/things/t1',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 't',
      },
      requestId: 'req-1',
      routeKey: 'POST /things/{thingId}',
      stage: '$default',
      time: '22/Nov/2026:07:00:00 +0000',
      timeEpoch: 0,
      // A missing authorizer only happens on a misconfigured route; the cast lets the test build it.
      authorizer: (claims
        ? { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } }
        : undefined) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']['authorizer'],
    },
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

function bodyOf(result: APIGatewayProxyStructuredResultV2): Record<string, unknown> {
  return JSON.parse(result.body ?? 'null') as Record<string, unknown>;
}

function handlerWith(useCase: (request: Request) => Promise<{ status: number; body: unknown }>) {
  const spy = vi.fn(useCase);
  return { handler: httpRoute(route, schemas, spy), spy };
}

const okBody = JSON.stringify({ batchId: 'b1' });

describe('httpRoute', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('runs the use case with the principal and the validated request, and answers its result as JSON', async () => {
    const { handler, spy } = handlerWith(async () => ({ status: 201, body: { ok: true } }));

    const result = await handler(
      event({
        claims: {
          sub: 'sub-1',
          username: 'pat',
          'cognito:groups': '[marketing analyst]',
          partner_id: 'acme',
        },
        query: { limit: '3' },
        body: okBody,
      }),
      fakeLambdaContext(),
    );

    expect(result.statusCode).toBe(201);
    expect(bodyOf(result)).toEqual({ ok: true });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[0]).toEqual({
      principal: { subject: 'sub-1', username: 'pat', roles: ['marketing', 'analyst'], partnerId: 'acme' },
      path: { thingId: 't1' },
      query: { limit: 3 },
      body: { batchId: 'b1' },
    });
  });

  it('accepts groups as an array and applies schema defaults', async () => {
    const { handler, spy } = handlerWith(async () => ({ status: 200, body: {} }));

    const result = await handler(
      event({ claims: { sub: 's', 'cognito:groups': ['admin'] }, body: okBody }),
      fakeLambdaContext(),
    );

    expect(result.statusCode).toBe(200);
    expect(spy.mock.calls[0]?.[0].principal).toEqual({ subject: 's', username: 's', roles: ['admin'] });
    expect(spy.mock.calls[0]?.[0].query).toEqual({ limit: 5 });
  });

  it('answers 403 listing the route roles when the caller has none of them, before validating', async () => {
    const { handler, spy } = handlerWith(async () => ({ status: 200, body: {} }));

    // The body is invalid too: authorization comes first, so the answer is 403, not 400.
    const result = await handler(
      event({ claims: { sub: 's', 'cognito:groups': '[analyst finance]' }, body: '{' }),
      fakeLambdaContext(),
    );

    expect(result.statusCode).toBe(403);
    expect(bodyOf(result)).toEqual({ message: 'this route needs one of the roles: marketing, admin' });
    expect(spy).not.toHaveBeenCalled();
  });

  it('answers 403 when the groups claim names no known role', async () => {
    const { handler } = handlerWith(async () => ({ status: 200, body: {} }));
    const result = await handler(
      event({ claims: { sub: 's', 'cognito:groups': '[Marketing superuser]' }, body: okBody }),
      fakeLambdaContext(),
    );
    expect(result.statusCode).toBe(403);
  });

  it('answers 403 when there is no groups claim', async () => {
    const { handler } = handlerWith(async () => ({ status: 200, body: {} }));
    const result = await handler(event({ claims: { sub: 's' }, body: okBody }), fakeLambdaContext());
    expect(result.statusCode).toBe(403);
  });

  it.each([
    ['no authorizer context', null],
    ['claims without sub', { username: 'x', 'cognito:groups': '[admin]' }],
    ['an empty sub', { sub: '', 'cognito:groups': '[admin]' }],
  ] as const)('answers 401 Unauthorized for %s', async (_label, claims) => {
    const { handler, spy } = handlerWith(async () => ({ status: 200, body: {} }));

    const result = await handler(
      event({ claims: claims as Record<string, string> | null, body: okBody }),
      fakeLambdaContext(),
    );

    expect(result.statusCode).toBe(401);
    expect(bodyOf(result)).toEqual({ message: 'Unauthorized' });
    expect(spy).not.toHaveBeenCalled();
  });

  it('answers 400 naming body.batchId when a body field is invalid', async () => {
    const { handler, spy } = handlerWith(async () => ({ status: 200, body: {} }));

    const result = await handler(event({ body: JSON.stringify({ batchId: '../etc' }) }), fakeLambdaContext());

    expect(result.statusCode).toBe(400);
    const body = bodyOf(result);
    expect(body.field).toBe('body.batchId');
    expect(String(body.message)).toMatch(/^body\.batchId: /);
    expect(body.issues).toEqual([{ field: 'body.batchId', message: expect.any(String) }]);
    expect(spy).not.toHaveBeenCalled();
  });

  it('answers 400 naming the missing body field, and an unknown field of a strict body', async () => {
    const { handler } = handlerWith(async () => ({ status: 200, body: {} }));

    const missing = await handler(event({ body: '{}' }), fakeLambdaContext());
    expect(bodyOf(missing).field).toBe('body.batchId');

    const extra = await handler(
      event({ body: JSON.stringify({ batchId: 'b1', partner: 'x' }) }),
      fakeLambdaContext(),
    );
    expect(extra.statusCode).toBe(400);
    expect(bodyOf(extra).field).toBe('body');
  });

  it('answers 400 naming path.thingId and query.limit', async () => {
    const { handler } = handlerWith(async () => ({ status: 200, body: {} }));

    const path = await handler(
      event({ pathParameters: { thingId: 'x' }, body: okBody }),
      fakeLambdaContext(),
    );
    expect(path.statusCode).toBe(400);
    expect(bodyOf(path).field).toBe('path.thingId');

    const query = await handler(event({ query: { limit: '11' }, body: okBody }), fakeLambdaContext());
    expect(query.statusCode).toBe(400);
    expect(bodyOf(query).field).toBe('query.limit');
  });

  it('answers 400 with field body when the body is not JSON', async () => {
    const { handler } = handlerWith(async () => ({ status: 200, body: {} }));

    const result = await handler(event({ body: '{"batchId":' }), fakeLambdaContext());

    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({
      message: 'body: is not valid JSON',
      field: 'body',
      issues: [{ field: 'body', message: 'is not valid JSON' }],
    });
  });

  it('decodes a base64-encoded body', async () => {
    const { handler, spy } = handlerWith(async () => ({ status: 200, body: {} }));

    const result = await handler(
      event({
        body: Buffer.from(JSON.stringify({ batchId: 'b64', note: 'é' })).toString('base64'),
        isBase64Encoded: true,
      }),
      fakeLambdaContext(),
    );

    expect(result.statusCode).toBe(200);
    expect(spy.mock.calls[0]?.[0].body).toEqual({ batchId: 'b64', note: 'é' });
  });

  it('treats a missing body as {} (so a required field is reported)', async () => {
    const { handler } = handlerWith(async () => ({ status: 200, body: {} }));
    const result = await handler(event(), fakeLambdaContext());
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).field).toBe('body.batchId');
  });

  it.each([
    [new NotFoundError('run r1 does not exist'), 404],
    [new ConflictError('run r1 is RUNNING'), 409],
    [new PermissionError('no partner id'), 403],
    [new HttpError(418, 'short and stout', { pot: 'tea' }), 418],
  ])('maps %s to %i with its message', async (error, status) => {
    const { handler } = handlerWith(async () => {
      throw error;
    });

    const result = await handler(event({ body: okBody }), fakeLambdaContext());

    expect(result.statusCode).toBe(status);
    expect(bodyOf(result).message).toBe(error.message);
  });

  it('maps any other DomainError to 422', async () => {
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const { handler } = handlerWith(async () => {
      throw new ConfigurationError('bad config');
    });
    const result = await handler(event({ body: okBody }), fakeLambdaContext());
    expect(result.statusCode).toBe(422);
    expect(bodyOf(result)).toEqual({ message: 'bad config' });
    expect(new ConfigurationError('x')).toBeInstanceOf(DomainError);
  });

  it('answers an unknown error with a bare 500 that leaks nothing, and logs it in full', async () => {
    const error = new TypeError('secret table arn:aws:dynamodb:us-east-1:123:table/x');
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const { handler } = handlerWith(async () => {
      throw error;
    });

    const result = await handler(event({ body: okBody }), fakeLambdaContext());

    expect(result.statusCode).toBe(500);
    expect(result.body).toBe('{"message":"Internal server error"}');
    expect(result.headers).toEqual({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    expect(logged).toHaveBeenCalledWith('unhandled error', { error });
  });

  it('sets content-type and no-store on every answer', async () => {
    const { handler } = handlerWith(async () => ({ status: 200, body: [1, 2] }));
    const result = await handler(event({ body: okBody }), fakeLambdaContext());
    expect(result.headers).toEqual({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    expect(result.body).toBe('[1,2]');
  });
});
