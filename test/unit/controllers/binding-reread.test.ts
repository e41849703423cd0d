import type { RealmRef } from '../../../src/controllers/realm-ref.js';
import { rereadTouched, type BindingObservation } from '../../../src/controllers/rolebinding/observe.js';
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
  const ref = {
    name: 'dash', clientUuid: 'c',
    kc: { listClientRoleMappings: async (_realm: string, subject: unknown) => { reads.push(subject); return [{ id: 'r', name: 'viewer' }]; } },
  } as unknown as RealmRef;
  beforeEach(() => { reads.length = 0; });

  it('reads nothing when the plan on the view changes no subject', async () => {
    expect(await rereadTouched(ref, touching(), viewed)).toBeUndefined();
    expect(reads).toEqual([]);
  });

  it('reads only the subjects the plan would change, from Keycloak, keeping the view for the others', async () => {
    const fresh = await rereadTouched(ref, touching(ops), viewed);
    expect(reads).toEqual([{ kind: 'group', id: 'g1' }]);
    expect(fresh?.subjects).toEqual([viewed.subjects[0], { subject: ops, id: 'g1', present: ['viewer'], addable: true }]);
  });
});
