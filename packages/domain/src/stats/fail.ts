import { DomainError } from '../indicators/errors';

/** Throw the shared DomainError (mapped to a 4xx by services) naming the offending field. */
export function invalid(field: string, message: string): never {
  throw new DomainError(field, message);
}

/** Require a finite number. */
export function requireFinite(value: number, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    invalid(field, `${field} must be a finite number`);
  return value;
}
