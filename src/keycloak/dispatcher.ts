import { Agent, type Dispatcher } from 'undici';
import { notePassWrite, passSignal, passStopped } from '../runtime/pass-signal.js';
import { currentOperation } from './operation-context.js';
import { requestRoute } from './route.js';

/** Called once per HTTP request to Keycloak: method, status (0 when no answer came), duration in seconds and route (route.ts). */
export type RequestObserver = (method: string, status: number, seconds: number, route: string) => void;

/** A connection's HTTP client: its own pool and CA bundle, and an observer of every request. */
export interface KeycloakDispatcher {
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

/**
 * Builds the undici dispatcher every request of one connection goes through (token requests
 * and admin-client calls alike). It must come from undici 7, the major Node 24's global fetch
 * bundles: the admin client calls global fetch, which rejects an undici 8 Agent. It is the
 * last point before the socket, so it is where a stopped pass's admin writes are refused.
 */
export function createDispatcher(options: { caBundle?: string; onRequest?: RequestObserver }): KeycloakDispatcher {
  const agent = new Agent(options.caBundle ? { connect: { ca: options.caBundle } } : {});
  const guarded = agent.compose(refuseStoppedWrites);
  const observe = options.onRequest;
  if (!observe) return { dispatcher: guarded, close: () => agent.close() };
  const dispatcher = guarded.compose((dispatch) => (opts, handler) => {
    // A handler without the new callbacks is passed through unobserved rather than broken.
    if (typeof handler.onResponseStart !== 'function') return dispatch(opts, handler);
    const started = performance.now();
    let status = 0;
    const report = () => safely(() => observe(String(opts.method), status, (performance.now() - started) / 1000, requestRoute(opts.path)));
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

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Notes each admin API write (any method but GET, HEAD, OPTIONS under `/admin/`) in its pass's
 * journal, and refuses one sent from a pass whose signal is aborted: a replica that lost the leader lease must not write to
 * Keycloak alongside the new leader. Reads may still complete, and logins (the token
 * endpoint) change nothing that a pass owns. Outside a pass nothing is refused.
 */
function refuseStoppedWrites(dispatch: Dispatcher.Dispatch): Dispatcher.Dispatch {
  return (opts, handler) => {
    const signal = passSignal();
    const method = String(opts.method).toUpperCase();
    const adminWrite = !READS.has(method) && opts.path.includes('/admin/');
    if (signal?.aborted && adminWrite) {
      throw passStopped(signal, `${method} ${opts.path.split('?')[0]}`);
    }
    // What the pass changed in Keycloak, e.g. for the DriftCorrected event: the port operation's
    // description, which names fields and mappings, never a value.
    if (adminWrite) notePassWrite(currentOperation() ?? `${method} ${opts.path.split('?')[0]}`);
    return dispatch(opts, handler);
  };
}

// A metrics callback must never break a request.
function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // ignored on purpose
  }
}
