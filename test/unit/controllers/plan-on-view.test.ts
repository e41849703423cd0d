import { planOnView } from '../../../src/controllers/plan-on-view.js';

// Observations are role lists; the plan adds what `want` lacks.
const want = ['admin', 'viewer'];
const plan = (have: string[]) => want.filter((r) => !have.includes(r));

describe('planning on the realm view', () => {
  it('keeps the plan made on the view when it changes nothing, reading nothing more', async () => {
    const rereads: string[][] = [];
    const out = await planOnView(['admin', 'viewer'], plan, async (first) => { rereads.push(first); return undefined; });
    expect(out).toEqual({ observed: ['admin', 'viewer'], plan: [] });
    expect(rereads).toEqual([[]]);
  });

  it('plans again on the fresh read when the view plan would change something', async () => {
    // The view is a TTL old: viewer was granted by hand since, so only admin is missing.
    const out = await planOnView(['admin'] as string[], plan, async () => ['viewer']);
    expect(out).toEqual({ observed: ['viewer'], plan: ['admin'] });
  });

  it('re-reads once: the plan on the fresh read is final even if it still changes something', async () => {
    let rereads = 0;
    const out = await planOnView([] as string[], plan, async () => { rereads++; return []; });
    expect(out.plan).toEqual(['admin', 'viewer']);
    expect(rereads).toBe(1);
  });

  it('passes the re-read the plan made on the view and what it was made on', async () => {
    const seen: unknown[] = [];
    await planOnView(['viewer'], plan, async (first, viewed) => { seen.push(first, viewed); return undefined; });
    expect(seen).toEqual([['admin'], ['viewer']]);
  });
});
