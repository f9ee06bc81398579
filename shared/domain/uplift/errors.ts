import { DomainError } from '../errors';

/** Base of the uplift models' errors: data they cannot read, fit or score. */
export class UpliftError extends DomainError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UpliftError';
  }
}

/**
 * A Hillstrom CSV that is not the MineThatData file: the message names the line (1-based, the header
 * is line 1) and the field, so that whoever fed it a different export knows what to fix.
 */
export class HillstromFormatError extends UpliftError {
  public readonly line: number | undefined;
  public readonly field: string | undefined;

  public constructor(message: string, where: { line?: number; field?: string }, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HillstromFormatError';
    this.line = where.line;
    this.field = where.field;
  }
}
