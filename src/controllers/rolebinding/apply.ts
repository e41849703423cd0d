import type { RealmRef } from '../realm-ref.js';
import type { EventRequest } from '../../runtime/index.js';
import { roleSubject, subjectKey, type MappingTarget, type SubjectId, type SubjectKey } from '../subject-id.js';
import type { BindingObservation } from './observe.js';
import type { BindingStep } from './plan.js';
import { grantWithinSeats, LICENSED_ROLE, type SeatRefusal } from '../seat-gate.js';

/**
 * Executes the plan in order, an event per mapping written; the subjects and roles are the ones
 * the plan was made on. A licensed_user grant goes through the seat check (spec.licenseSeats):
 * one it refuses is not made, and lands in `refused` by subject.
 */
export async function applyBindingSteps(
  ref: RealmRef, steps: readonly BindingStep[], observed: BindingObservation, refused?: Map<SubjectKey, SeatRefusal>,
): Promise<EventRequest[]> {
  // Mappings need role ids; a step names its subject by key.
  const refs = (names: string[]) => observed.roles.filter((r) => names.includes(r.name));
  const subjects = new Map<SubjectKey, SubjectId>(observed.subjects.map((s) => [subjectKey(s.subject), s.subject]));
  const events: EventRequest[] = [];
  for (const step of steps) {
    const subject = subjects.get(step.subject);
    if (!subject) throw new Error(`the binding plan names ${step.subject}, which the pass did not observe`);
    const target: MappingTarget = { ...subject, id: step.id };
    switch (step.kind) {
      case 'addRoles': {
        const add = async (roles: string[]) => {
          await ref.kc.addClientRoleMappings(ref.name, roleSubject(target), ref.clientUuid, refs(roles));
          ref.view.recordMappings(target, roles, 'add');
          events.push({ type: 'Normal', reason: 'Granted', message: `granted ${roles.join(', ')} to ${step.subject}` });
        };
        const others = step.roles.filter((r) => r !== LICENSED_ROLE);
        if (others.length > 0) await add(others);
        if (others.length === step.roles.length) break;
        const refusal = await grantWithinSeats(ref, { kind: subject.kind, id: step.id }, () => add([LICENSED_ROLE]));
        if (refusal) refused?.set(step.subject, refusal);
        break;
      }
      case 'removeRoles':
        await ref.kc.removeClientRoleMappings(ref.name, roleSubject(target), ref.clientUuid, refs(step.roles));
        ref.view.recordMappings(target, step.roles, 'remove');
        events.push({ type: 'Normal', reason: 'Revoked', message: `revoked ${step.roles.join(', ')} from ${step.subject}` });
        break;
    }
  }
  return events;
}
