import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { z } from 'zod';
import type { ApiRoute } from '../api/routes';
import type { Principal } from '../domain/auth/roles';
import { ForbiddenError, json, RequestValidationError, toHttpResponse } from './http-errors';
import { logger } from './logger';
import { principalFromClaims } from './principal';

export interface HttpRequest<P, Q, B> {
  readonly principal: Principal;
  readonly path: P;
  readonly query: Q;
  readonly body: B;
}

export interface HttpResult {
  readonly status: number;
  readonly body: unknown;
  /** For a body that is not JSON, e.g. an HTML page: sent as is with this content type. */
  readonly contentType?: string;
}

interface RouteSchemas<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly path?: P;
  readonly query?: Q;
  readonly body?: B;
}

const empty = z.object({}).passthrough();

function validate<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({
    field: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  const first = issues[0] ?? { field: where, message: 'is invalid' };
  throw new RequestValidationError(first.field, `${first.field}: ${first.message}`, issues);
}

function parseBody(body: string | undefined, isBase64Encoded: boolean): unknown {
  if (body === undefined || body === '') return {};
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RequestValidationError(
      'body',
      'body: is not valid JSON',
      [{ field: 'body', message: 'is not valid JSON' }],
      {
        cause: error,
      },
    );
  }
}

/**
 * Wraps a route's use case as an HTTP API (payload v2) handler: authorizes the caller's groups
 * against the route's roles, validates path, query and body with zod (400 naming the field), and
 * turns every error into a response in one place.
 */
export function httpRoute<
  P extends z.ZodType = typeof empty,
  Q extends z.ZodType = typeof empty,
  B extends z.ZodType = typeof empty,
>(
  route: ApiRoute,
  schemas: RouteSchemas<P, Q, B>,
  useCase: (request: HttpRequest<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<HttpResult>,
) {
  return middy<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      try {
        const principal = principalFromClaims(event.requestContext.authorizer?.jwt?.claims);
        if (!principal.roles.some((role) => route.roles.includes(role))) {
          throw new ForbiddenError(`this route needs one of the roles: ${route.roles.join(', ')}`);
        }
        const request = {
          principal,
          path: validate((schemas.path ?? empty) as P, event.pathParameters ?? {}, 'path'),
          query: validate((schemas.query ?? empty) as Q, event.queryStringParameters ?? {}, 'query'),
          body: validate((schemas.body ?? empty) as B, parseBody(event.body, event.isBase64Encoded), 'body'),
        };
        const result = await useCase(request);
        if (result.contentType && typeof result.body === 'string') {
          return {
            statusCode: result.status,
            headers: { 'content-type': result.contentType, 'cache-control': 'no-store' },
            body: result.body,
          };
        }
        return json(result.status, result.body);
      } catch (error) {
        return toHttpResponse(error);
      }
    });
}
