import { DomainError } from '../errors';

/**
 * Thrown for anything wrong with the response model's inputs, artifacts or runtime: the message names
 * the offending row, field or setting so that whoever reads a failed run's log knows what to fix.
 */
export class ResponseModelError extends DomainError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ResponseModelError';
  }
}
