/** One bad field: `path` names it the way the client sent it (`rows.3.value`). */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** An error the client caused or may see; turned into `{error, message, details}` with its status. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details: ErrorDetail[] = [], error = 'bad_request') =>
  new AppError(400, error, message, details);
export const unauthorized = (message = 'Login required') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'Not allowed') => new AppError(403, 'forbidden', message);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, details: ErrorDetail[] = [], error = 'conflict') =>
  new AppError(409, error, message, details);

/** The `code` of a thrown error (Node, Fastify and database drivers set one), if it has one. */
export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

/** The message of anything thrown. */
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** PostgreSQL unique violation, seen through either driver (and Drizzle's wrapping `cause`). */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; typeof e === 'object' && e !== null; e = 'cause' in e ? e.cause : undefined) {
    if (errorCode(e) === '23505') return true;
  }
  return false;
}
