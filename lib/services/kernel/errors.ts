/** Error codes of API.md "Conventions", with the HTTP status each one answers. */
export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  INVALID_SETTING_VALUE: 400,
  REASON_REQUIRED: 400,
  SCOPE_NOT_ALLOWED: 400,
  UNAUTHENTICATED: 401,
  INSUFFICIENT_PERMISSIONS: 403,
  MODEL_PROVIDER_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  SETTING_NOT_FOUND: 404,
  SCOPE_NOT_FOUND: 404,
  FLAG_NOT_FOUND: 404,
  PROJECT_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  SETTING_READONLY: 409,
  SETTING_LOCKED: 409,
  FLAG_ENABLED: 409,
  ALREADY_SETUP: 409,
  MODEL_PROVIDER_INACTIVE: 409,
  // a stored backup whose content no longer hashes to the checksum taken when it was made: never restored
  BACKUP_CORRUPT: 409,
  VERSION_CONFLICT: 412,
  PAYLOAD_TOO_LARGE: 413,
  // an import, restore, promote or revert with invalid items: refused as a whole, the items in details.invalid
  IMPORT_INVALID: 422,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
  INTERNAL: 500,
  SETUP_REQUIRED: 503,
  UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** A failure a caller can act on; the API turns it into `{ error: { code, message, field?, details? } }`. */
export class ServiceError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ServiceError';
    this.status = ERROR_STATUS[code];
  }
}

/** Throws a ServiceError; `never`, so TypeScript knows nothing after it runs. */
export function fail(code: ErrorCode, message: string, field?: string, details?: unknown): never {
  throw new ServiceError(code, message, field, details);
}
