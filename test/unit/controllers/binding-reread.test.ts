import type { RealmRef } from '../../../src/controllers/realm-ref.js';
import { FRESH_VIEW_MIN_SUBJECTS, rereadTouched, type BindingObservation } from '../../../src/controllers/rolebinding/observe.js';
import type { BindingPlan } from '../../../src/controllers/rolebinding/plan.js';
import { subjectKey, type SubjectId } from '../../../src/controllers/subject-id.js';

const ann: SubjectId = { kind: 'User', name: 'ann' };
const ops: SubjectId = { kind: 'Group', path: 'team/ops' };
const keyed = (subjectId: SubjectId, id: string) => ({ subject: subjectId, subjectId, key: subjectKey(subjectId), id, inSpec: true });
const viewed: BindingObservation = {
  resolved: [], roles: [], ledger: [], confirmedUsers: new Set(), reporters: new Map(),
  keyed: [keyed(ann, 'u1'), keyed(ops, 'g1')],
  subjects: [{ subject: ann, id: 'u1', present: [], addable: true }, { subject: ops, id: 'g1', present: [], addable: true }],
};
const touching = (...subjects: SubjectId[]) => ({ touched: new Set(subjects.map(subjectKey)) }) as BindingPlan;

describe('re-reading what a binding plan would change', () => {
  const reads: unknown[] = [];
  let freshLoads = 0;
  const ref = {
    name: 'dash', clientUuid: 'c',
    kc: { listClientRoleMappings: async (_realm: string, subject: unknown) => { reads.push(subject); return [{ id: 'r', name: 'viewer' }]; } },
    view: { freshDirectRoles: async () => { freshLoads++; return (holder: { id?: string }) => (holder.id === 'u7' ? ['admin'] : []); } },
  } as unknown as RealmRef;
  beforeEach(() => { reads.length = 0; freshLoads = 0; });

  it('reads nothing when the plan on the view changes no subject', async () => {
    expect(await rereadTouched(ref, touching(), viewed)).toBeUndefined();
    expect(reads).toEqual([]);
  });

  it('reads only the subjects the plan would change, from Keycloak, keeping the view for the others', async () => {
    const fresh = await rereadTouched(ref, touching(ops), viewed);
    expect(reads).toEqual([{ kind: 'group', id: 'g1' }]);
    expect(fresh?.subjects).toEqual([viewed.subjects[0], { subject: ops, id: 'g1', present: ['viewer'], addable: true }]);
  });

  it('reads many touched subjects through one fresh load of the realm view instead of one request each', async () => {
    const users = Array.from({ length: FRESH_VIEW_MIN_SUBJECTS }, (_, i) => ({ kind: 'User', name: `user-${i}` }) as SubjectId);
    const many: BindingObservation = {
      ...viewed,
      keyed: users.map((u, i) => keyed(u, `u${i}`)),
      subjects: users.map((u, i) => ({ subject: u, id: `u${i}`, present: [], addable: true })),
    };
    const fresh = await rereadTouched(ref, touching(...users), many);
    expect(reads).toEqual([]);
    expect(freshLoads).toBe(1);
    expect(fresh?.subjects[7]).toEqual({ subject: users[7], id: 'u7', present: ['admin'], addable: true });
    // One fewer: each is read from Keycloak.
    await rereadTouched(ref, touching(...users.slice(1)), many);
    expect(reads).toHaveLength(FRESH_VIEW_MIN_SUBJECTS - 1);
    expect(freshLoads).toBe(1);
  });
});
