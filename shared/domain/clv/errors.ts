import { DomainError } from '../errors';

/** Base of the customer-lifetime-value models' errors: input they cannot fit or score. */
export class ClvError extends DomainError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ClvError';
  }
}

/** A purchase history or summary that no customer could have (negative counts, recency past T, NaN). */
export class InvalidHistoryError extends ClvError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidHistoryError';
  }
}

/** The spend model learns only from customers who came back; without any it has nothing to fit. */
export class NoRepeatCustomersError extends ClvError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NoRepeatCustomersError';
  }
}

/** The likelihood has no finite value at any point the optimizer tried, or at its answer. */
export class FitFailedError extends ClvError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FitFailedError';
  }
}

/** Parameters outside the region where a formula is defined (e.g. a mean spend needs q > 1). */
export class UndefinedPredictionError extends ClvError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UndefinedPredictionError';
  }
}
