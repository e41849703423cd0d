/**
 * A failed request to the API server. `code` is the HTTP status (0 when there was no answer:
 * connection refused, timeout); `reason` is the Status reason (`Conflict`, `NotFound`, ...);
 * the message never contains a request body.
 */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';

  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True for a 409 (optimistic concurrency conflict or AlreadyExists). */
export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 409;
}

/** True for a 404. */
export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 404;
}

/** True when the API server did not answer at all (down, restarting, unreachable, timed out). */
export function isUnreachable(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 0;
}

/** Builds the error for a non-2xx answer from the API server's Status body (a string or JSON). */
export function errorFromStatus(method: string, path: string, code: number, body: string): KubeApiError {
  let reason = '';
  let detail = body.trim().slice(0, 300);
  try {
    const status = JSON.parse(body) as { reason?: unknown; message?: unknown };
    if (typeof status.reason === 'string') reason = status.reason;
    if (typeof status.message === 'string') detail = status.message;
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the trimmed text.
  }
  return new KubeApiError(code, reason, `${method} ${path}: ${code}${reason ? ` ${reason}` : ''}${detail ? `: ${detail}` : ''}`);
}
