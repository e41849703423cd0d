import { Agent, type Dispatcher } from 'undici';

/** Called once per HTTP request to Keycloak: method, status (0 when no answer came) and duration in seconds. */
export type RequestObserver = (method: string, status: number, seconds: number) => void;

/** A connection's HTTP client: its own pool and CA bundle, and an observer of every request. */
export interface KeycloakDispatcher {
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

/**
 * Builds the undici dispatcher every request of one connection goes through (token requests
 * and admin-client calls alike). It must come from undici 7, the major Node 24's global fetch
 * bundles: the admin client calls global fetch, which rejects an undici 8 Agent.
 */
export function createDispatcher(options: { caBundle?: string; onRequest?: RequestObserver }): KeycloakDispatcher {
  const agent = new Agent(options.caBundle ? { connect: { ca: options.caBundle } } : {});
  const observe = options.onRequest;
  if (!observe) return { dispatcher: agent, close: () => agent.close() };
  const dispatcher = agent.compose((dispatch) => (opts, handler) => {
    // A handler without the new callbacks is passed through unobserved rather than broken.
    if (typeof handler.onResponseStart !== 'function') return dispatch(opts, handler);
    const started = performance.now();
    let status = 0;
    const report = () => safely(() => observe(String(opts.method), status, (performance.now() - started) / 1000));
    return dispatch(opts, {
      onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
      onRequestUpgrade: (controller, statusCode, headers, socket) => handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
      onResponseStart: (controller, statusCode, headers, statusMessage) => {
        status = statusCode;
        return handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
      },
      onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
      onResponseEnd: (controller, trailers) => {
        report();
        return handler.onResponseEnd?.(controller, trailers);
      },
      onResponseError: (controller, error) => {
        report();
        return handler.onResponseError?.(controller, error);
      },
    });
  });
  return { dispatcher, close: () => agent.close() };
}

// A metrics callback must never break a request.
function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // ignored on purpose
  }
}
