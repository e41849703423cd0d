import { isIP } from 'node:net';

/**
 * Why a Keycloak URL may not receive credentials; undefined when it may. Plain http is
 * refused except to a loopback address (127.0.0.0/8, ::1, localhost), and so are URLs that
 * carry user info, a query or a fragment (the adapter appends paths to the base URL).
 */
export function insecureUrlReason(url: string): string | undefined {
  const parsed = parseHttpUrl(url);
  if (!parsed) return 'must be an http(s) URL';
  if (parsed.username !== '' || parsed.password !== '') return 'must not carry a user name or password';
  if (parsed.search !== '' || parsed.hash !== '') return 'must not carry a query or fragment';
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) return 'must use https (plain http is allowed only to a loopback address)';
  return undefined;
}

/**
 * Whether `url` lies under one of the `prefixes`: the same origin (scheme, host and port,
 * compared after URL normalisation, so case and default ports do not matter) and a path that
 * equals the prefix's path or continues it after a `/`. So `https://kc.example.com` allows
 * `https://kc.example.com/auth` but neither `https://kc.example.com.evil.io` nor
 * `https://kc.example.com:8443`, and `https://h/kc` does not allow `https://h/kc-evil`.
 */
export function urlAllowed(url: string, prefixes: readonly string[]): boolean {
  const candidate = parseHttpUrl(url);
  if (!candidate || candidate.username !== '' || candidate.password !== '') return false;
  return prefixes.some((prefix) => {
    const allowed = parseHttpUrl(prefix);
    if (!allowed || allowed.origin !== candidate.origin) return false;
    const base = trimSlashes(allowed.pathname);
    const path = trimSlashes(candidate.pathname);
    return base === '' || path === base || path.startsWith(`${base}/`);
  });
}

/** Whether a URL's hostname (as `URL.hostname` gives it) is a loopback address. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host === '::1') return true;
  // The URL parser already normalised IPv4 forms such as 127.1 or 0x7f.0.0.1.
  return isIP(host) === 4 && host.startsWith('127.');
}

function parseHttpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function trimSlashes(path: string): string {
  return path.replace(/\/+$/, '');
}
