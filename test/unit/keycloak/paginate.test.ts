import { collectPages, findInPages } from '../../../src/keycloak/paginate.js';

/** A paginated list of `total` numbers that records the pages asked for. */
function list(total: number) {
  const items = Array.from({ length: total }, (_, i) => i);
  const asked: [number, number][] = [];
  const fetchPage = async (first: number, max: number) => {
    asked.push([first, max]);
    return items.slice(first, first + max);
  };
  return { fetchPage, asked };
}

describe('collectPages', () => {
  it('reads every page of a long list and stops at the short one', async () => {
    const { fetchPage, asked } = list(250);
    expect(await collectPages(fetchPage)).toHaveLength(250);
    expect(asked).toEqual([[0, 100], [100, 100], [200, 100]]);
  });

  it('asks once more when the list ends exactly at a page boundary', async () => {
    const { fetchPage, asked } = list(20);
    expect(await collectPages(fetchPage, { pageSize: 10 })).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(asked).toEqual([[0, 10], [10, 10], [20, 10]]);
  });

  it('reads an empty list with one request', async () => {
    const { fetchPage, asked } = list(0);
    expect(await collectPages(fetchPage)).toEqual([]);
    expect(asked).toEqual([[0, 100]]);
  });

  it('stops at the limit without asking for more than it needs', async () => {
    const { fetchPage, asked } = list(1000);
    expect(await collectPages(fetchPage, { pageSize: 100, limit: 150 })).toHaveLength(150);
    expect(asked).toEqual([[0, 100], [100, 50]]);
  });

  it('stops before the first item matching `until`', async () => {
    const { fetchPage, asked } = list(1000);
    expect(await collectPages(fetchPage, { pageSize: 10, until: (n) => n >= 15 })).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(asked).toEqual([[0, 10], [10, 10]]);
  });
});

describe('findInPages', () => {
  it('stops at the page holding the first match', async () => {
    const { fetchPage, asked } = list(1000);
    expect(await findInPages(fetchPage, (n) => n === 123)).toBe(123);
    expect(asked).toEqual([[0, 100], [100, 100]]);
  });

  it('gives undefined after the last page when nothing matches', async () => {
    const { fetchPage, asked } = list(150);
    expect(await findInPages(fetchPage, (n) => n < 0)).toBeUndefined();
    expect(asked).toEqual([[0, 100], [100, 100]]);
  });
});
