import type { Rejection } from './runs/run-state';

/** Base of every error the engine raises on purpose; anything else is a bug or an outage. */
export class DomainError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends DomainError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConflictError';
  }
}

/** A request a person must correct, naming the field at fault. */
export class InvalidRequestError extends DomainError {
  public readonly field: string;

  public constructor(field: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidRequestError';
    this.field = field;
  }
}

/** The caller is who they say, but may not do this. */
export class PermissionError extends DomainError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermissionError';
  }
}

/** Input a person must fix: carries the file, line, column and rule. */
export class InputRejectedError extends DomainError {
  public readonly rejection: Rejection;

  public constructor(rejection: Rejection, options?: ErrorOptions) {
    super(describeRejection(rejection), options);
    this.name = 'InputRejectedError';
    this.rejection = rejection;
  }
}

export class QueryFailedError extends DomainError {
  public constructor(queryName: string, reason: string, options?: ErrorOptions) {
    super(`query ${queryName} failed: ${reason}`, options);
    this.name = 'QueryFailedError';
  }
}

export class ConfigurationError extends DomainError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

export function describeRejection(r: Rejection): string {
  const where = [
    r.file,
    r.line === undefined ? undefined : `line ${r.line}`,
    r.column && `column ${r.column}`,
  ]
    .filter(Boolean)
    .join(', ');
  return `${where}: ${r.message} (rule ${r.rule})`;
}

/** Narrows an unknown catch value to an Error without losing non-Error throwables. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
