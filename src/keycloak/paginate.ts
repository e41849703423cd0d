/** Keycloak's own default page size for most lists; subgroup lists default to 10, so `max` is always sent. */
export const DEFAULT_PAGE_SIZE = 100;

/** Fetches one page: items `first` .. `first + max - 1`. */
export type PageFetcher<T> = (first: number, max: number) => Promise<readonly T[]>;

/** How far `collectPages` reads. */
export interface PageOptions<T> {
  pageSize?: number;
  /** Stop once this many items are collected. */
  limit?: number;
  /** Stop before the first item for which this is true (lists sorted by it, e.g. newest first). */
  until?: (item: T) => boolean;
}

/**
 * Reads a paginated Keycloak list page by page until a short page, `limit` items, or the first
 * item matching `until`. A page shorter than `max` is the last one.
 */
export async function collectPages<T>(fetchPage: PageFetcher<T>, options: PageOptions<T> = {}): Promise<T[]> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const items: T[] = [];
  for (let first = 0; items.length < limit; first += pageSize) {
    const max = Math.min(pageSize, limit - items.length);
    const page = await fetchPage(first, max);
    for (const item of page) {
      if (options.until?.(item)) return items;
      items.push(item);
      if (items.length >= limit) return items;
    }
    if (page.length < max) break;
  }
  return items;
}

/** Reads pages until an item matches `predicate` and returns it; undefined when no page has one. */
export async function findInPages<T>(fetchPage: PageFetcher<T>, predicate: (item: T) => boolean, pageSize = DEFAULT_PAGE_SIZE): Promise<T | undefined> {
  for (let first = 0; ; first += pageSize) {
    const page = await fetchPage(first, pageSize);
    const found = page.find(predicate);
    if (found !== undefined) return found;
    if (page.length < pageSize) return undefined;
  }
}
