import { createHash } from 'node:crypto';

// A DNS-1123 subdomain may be 253 characters; names stay well under that so that a suffix fits.
const MAX_BASE = 200;

/** A short, stable hash of a Keycloak name (hex, 6 characters): the same name always gives the same suffix. */
export function shortHash(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex').slice(0, 6);
}

/**
 * A Kubernetes object name (DNS-1123 subdomain) close to `text`: lowercase, every run of
 * characters other than letters, digits, '-' and '.' becomes one '-', no '-' or '.' at either
 * end of a label, at most 200 characters. `fallback` when nothing is left.
 */
export function toKubeName(text: string, fallback: string): string {
  const name = text.normalize('NFKD').toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .split('.').map((label) => label.replace(/^-+|-+$/g, '')).filter((label) => label !== '').join('.')
    .slice(0, MAX_BASE)
    .replace(/[-.]+$/, '');
  return name === '' ? fallback : name;
}

/**
 * Gives each Keycloak name (`raws`, unique) a distinct Kubernetes name derived from
 * `candidate(raw)`. Where several raws map to the same candidate, each of them gets a suffix
 * `-<shortHash(raw)>`, so a name depends only on its own Keycloak name and on whether another
 * one collides with it, never on listing order. Deterministic; the result is sorted by raw.
 */
export function assignKubeNames(raws: readonly string[], candidate: (raw: string) => string): Map<string, string> {
  const byCandidate = new Map<string, string[]>();
  for (const raw of [...new Set(raws)].sort(byCodePoint)) {
    const name = candidate(raw);
    byCandidate.set(name, [...(byCandidate.get(name) ?? []), raw]);
  }
  const names = new Map<string, string>();
  const taken = new Set([...byCandidate].filter(([, list]) => list.length === 1).map(([name]) => name));
  for (const [name, list] of byCandidate) {
    if (list.length === 1) {
      names.set(list[0], name);
      continue;
    }
    for (const raw of list) {
      let suffixed = `${name}-${shortHash(raw)}`;
      // A suffixed name equal to another's plain name (or a hash collision): hash again, deterministically.
      for (let round = 1; taken.has(suffixed); round += 1) suffixed = `${name}-${shortHash(`${raw}#${round}`)}`;
      taken.add(suffixed);
      names.set(raw, suffixed);
    }
  }
  return new Map([...names].sort(([a], [b]) => byCodePoint(a, b)));
}

/** Sorts strings by code point: the same order on every machine and locale (unlike localeCompare). */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
