/** One bad field inside a {@link DomainError}. */
export interface DomainErrorDetail {
  /** Dotted path of the offending field, e.g. `matrix[1][2]`. */
  field: string;
  /** What is wrong with it, in plain words. */
  message: string;
}

/**
 * Bad input to a domain function. Services translate it to a 4xx response
 * `{error, message, details[]}`, so it always names the offending field.
 */
export class DomainError extends Error {
  /** The main offending field. */
  readonly field: string;
  /** Every bad field found (at least the main one). */
  readonly details: DomainErrorDetail[];

  constructor(field: string, message: string, details?: DomainErrorDetail[]) {
    super(message);
    this.name = 'DomainError';
    this.field = field;
    this.details = details && details.length > 0 ? details : [{ field, message }];
  }
}
