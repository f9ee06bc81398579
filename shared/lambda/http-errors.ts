import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  ConflictError,
  DomainError,
  InvalidRequestError,
  NotFoundError,
  PermissionError,
} from '../domain/errors';
import { logger } from './logger';

/** An error meant for the caller: its status and message are safe to show. */
export class HttpError extends Error {
  public readonly statusCode: number;
  public readonly details: Record<string, unknown>;

  public constructor(
    statusCode: number,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.details = details;
  }
}

export class UnauthorizedError extends HttpError {
  public constructor(message = 'Unauthorized', options?: ErrorOptions) {
    super(401, message, {}, options);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends HttpError {
  public constructor(message: string, options?: ErrorOptions) {
    super(403, message, {}, options);
    this.name = 'ForbiddenError';
  }
}

export class RequestValidationError extends HttpError {
  public constructor(
    field: string,
    message: string,
    issues: { field: string; message: string }[],
    options?: ErrorOptions,
  ) {
    super(400, message, { field, issues }, options);
    this.name = 'RequestValidationError';
  }
}

export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/**
 * The one place errors become HTTP responses. Known errors keep their message; anything else is
 * logged in full and answered with a bare 500 that leaks nothing.
 */
export function toHttpResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof HttpError) return json(error.statusCode, { message: error.message, ...error.details });
  if (error instanceof InvalidRequestError) {
    return json(400, { message: `${error.field}: ${error.message}`, field: error.field });
  }
  if (error instanceof NotFoundError) return json(404, { message: error.message });
  if (error instanceof PermissionError) return json(403, { message: error.message });
  if (error instanceof ConflictError) return json(409, { message: error.message });
  if (error instanceof DomainError) {
    logger.warn('domain error reached the API boundary', { error });
    return json(422, { message: error.message });
  }
  logger.error('unhandled error', { error });
  return json(500, { message: 'Internal server error' });
}
