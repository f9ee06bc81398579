import { DomainError } from '../errors';

/**
 * Thrown for anything wrong with an evaluation's inputs (a dataset that does not read as the protocol
 * expects, folds that cannot be formed, metric inputs that disagree): the message names what to fix.
 */
export class ModelEvalError extends DomainError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ModelEvalError';
  }
}
