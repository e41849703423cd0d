/** Why a Keycloak call failed, as far as a reconciler needs to know. */
export const KeycloakErrorKind = {
  NotFound: 'NotFound',
  Conflict: 'Conflict',
  Unauthorized: 'Unauthorized',
  Invalid: 'Invalid',
  Unavailable: 'Unavailable',
} as const;
export type KeycloakErrorKind = (typeof KeycloakErrorKind)[keyof typeof KeycloakErrorKind];

/**
 * The one error the Keycloak port throws. `message` names the operation and the object and
 * is stable for identical failures (no timestamps or request ids), so conditions do not flap;
 * `cause` keeps the underlying error for logs.
 */
export class KeycloakError extends Error {
  override readonly name = 'KeycloakError';
  readonly kind: KeycloakErrorKind;
  /** The HTTP status Keycloak answered with, when there was an answer. */
  readonly status?: number;

  constructor(kind: KeycloakErrorKind, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, { cause: options?.cause });
    this.kind = kind;
    this.status = options?.status;
  }
}

/** A non-2xx answer from Keycloak, before it is mapped to a `KeycloakError`. */
export class KeycloakHttpError extends Error {
  override readonly name = 'KeycloakHttpError';

  constructor(readonly status: number, readonly body: unknown) {
    super(`HTTP ${status}`);
  }
}

/** Maps an HTTP status to an error kind: 403 counts as Unauthorized (missing admin roles), 408/429/5xx as Unavailable. */
export function kindForStatus(status: number): KeycloakErrorKind {
  if (status === 401 || status === 403) return KeycloakErrorKind.Unauthorized;
  if (status === 404) return KeycloakErrorKind.NotFound;
  if (status === 409) return KeycloakErrorKind.Conflict;
  if (status === 408 || status === 429 || status >= 500) return KeycloakErrorKind.Unavailable;
  return KeycloakErrorKind.Invalid;
}

/** The HTTP status behind an error from our own requests or from the admin client, if any. */
export function httpStatusOf(err: unknown): number | undefined {
  if (err instanceof KeycloakHttpError || err instanceof KeycloakError) return err.status;
  // The admin client throws a NetworkError carrying the fetch Response.
  const response = (err as { response?: { status?: unknown } } | undefined)?.response;
  return typeof response?.status === 'number' ? response.status : undefined;
}

/** Turns whatever a call threw into one `KeycloakError` whose message starts with `operation`. */
export function toKeycloakError(operation: string, err: unknown, timeoutMs?: number): KeycloakError {
  if (err instanceof KeycloakError) {
    return err.message.startsWith(operation) ? err : new KeycloakError(err.kind, `${operation}: ${err.message}`, { cause: err, status: err.status });
  }
  const status = httpStatusOf(err);
  if (status !== undefined) {
    const body = err instanceof KeycloakHttpError ? err.body : (err as { responseData?: unknown }).responseData;
    const detail = keycloakMessage(body);
    return new KeycloakError(kindForStatus(status), `${operation}: Keycloak answered ${status}${detail ? ` (${detail})` : ''}`, { cause: err, status });
  }
  const name = (err as { name?: unknown } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    const after = timeoutMs === undefined ? '' : ` after ${timeoutMs} ms`;
    return new KeycloakError(KeycloakErrorKind.Unavailable, `${operation}: Keycloak did not answer${after}`, { cause: err });
  }
  // fetch() rejects with TypeError('fetch failed') and the socket error as cause.
  const code = networkCode(err);
  const reason = code ?? (err instanceof Error ? err.message : String(err));
  return new KeycloakError(KeycloakErrorKind.Unavailable, `${operation}: Keycloak unreachable (${reason})`, { cause: err });
}

/** Whether `err` is a `KeycloakError` of the given kind. */
export function isKeycloakError(err: unknown, kind?: KeycloakErrorKind): err is KeycloakError {
  return err instanceof KeycloakError && (kind === undefined || err.kind === kind);
}

// Keycloak answers errors as {errorMessage}, {error, error_description} (token endpoint),
// {field, errorMessage, params} (user profile validation of one field) or {errors: [those]}
// (of several); anything else is shown as text.
function keycloakMessage(body: unknown): string {
  if (typeof body === 'string') return body.trim().slice(0, 200);
  if (typeof body !== 'object' || body === null) return '';
  const b = body as Record<string, unknown>;
  if (Array.isArray(b.errors)) return b.errors.map(keycloakMessage).filter((m) => m !== '').join('; ').slice(0, 200);
  const parts = [b.field, b.errorMessage ?? b.error, b.error_description].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.join(': ').slice(0, 200);
}

function networkCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
