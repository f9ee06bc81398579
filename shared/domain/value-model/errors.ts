import { DomainError } from '../errors';

/**
 * Thrown for anything wrong with the customer-value model's inputs or training: the message names the
 * row, field or setting at fault so that whoever reads a failed run's log knows what to fix.
 */
export class ValueModelError extends DomainError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ValueModelError';
  }
}
