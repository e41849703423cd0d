import type { UserFields } from '../../keycloak/port.js';
import { shown } from '../realm/describe.js';
import type { UserStep } from './plan.js';

/**
 * A user step as lines a person reads (`email: "a@x" -> "b@x"`, `groups: + Parent/child`), for
 * `diff` and the InSync condition; `observed`: the fields Keycloak holds (undefined: no user). Pure.
 */
export function describeUserStep(step: UserStep, observed: UserFields | undefined): string[] {
  switch (step.kind) {
    case 'createUser': return [
      'user: created',
      ...Object.entries(step.fields).filter(([k]) => k !== 'attributes').map(([k, v]) => `${k}: ${shown(v)}`),
      ...step.groups.map((g) => `groups: + ${g.path}`),
    ];
    case 'updateUser': return step.changed.flatMap((field) => fieldLines(field as keyof UserFields, observed, step.fields));
    case 'joinGroup': return [`groups: + ${step.path}`];
    case 'leaveGroup': return [`groups: - ${step.path}`];
    case 'setPassword': return ['initialPassword: set'];
    case 'sendActionsEmail': return [`executeActionsEmail: sent (${step.actions.join(', ')})`];
    case 'logout': return [`sessions: ended (${step.sessions}, ${step.cause})`];
  }
}

function fieldLines(field: keyof UserFields, observed: UserFields | undefined, fields: UserFields): string[] {
  if (field !== 'attributes') return [`${field}: ${shown(observed?.[field])} -> ${shown(fields[field])}`];
  const was = observed?.attributes ?? {};
  const want = fields.attributes ?? {};
  return Object.keys(want).filter((k) => JSON.stringify(was[k]) !== JSON.stringify(want[k])).sort()
    .map((k) => `attributes.${k}: ${shown(was[k])} -> ${shown(want[k])}`);
}
