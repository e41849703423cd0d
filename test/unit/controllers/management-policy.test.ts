import { describe, expect, it } from '@jest/globals';
import { MAX_LISTED_CHANGES, observedResult } from '../../../src/controllers/management-policy.js';
import { describeRealmStep } from '../../../src/controllers/realm/describe.js';
import { describeBindingPlan } from '../../../src/controllers/rolebinding/describe.js';
import { describeUserStep } from '../../../src/controllers/user/describe.js';

describe('what an observed pass reports', () => {
  it('InSync True with no change; Ready reason Observed either way', () => {
    expect(observedResult([])).toEqual({ reason: 'Observed', message: expect.stringContaining('managementPolicy Observe'), conditions: [{ type: 'InSync', status: 'True', reason: 'InSync', message: 'Keycloak holds what the spec says' }] });
  });

  it('InSync False lists the first changes and counts the rest (a stable message)', () => {
    const changes = Array.from({ length: MAX_LISTED_CHANGES + 3 }, (_, i) => `groups: + g${i}`);
    const [inSync] = observedResult(changes).conditions;
    expect(inSync).toMatchObject({ status: 'False', reason: 'ChangesPending' });
    expect(inSync?.message).toMatch(/^would groups: \+ g0; .*; groups: \+ g9; and 3 more$/);
    expect(observedResult(changes)).toEqual(observedResult([...changes]));
  });

  it('describes steps as field: old -> new, never an SMTP password', () => {
    expect(describeRealmStep({ kind: 'updateRealm', fields: ['rememberMe', 'smtpServer'], settings: { rememberMe: false, smtpServer: { host: 'b', password: 'secret' } } }, { rememberMe: true, smtpServer: { host: 'a' } }))
      .toEqual(['login.rememberMe: true -> false', 'email.host: "a" -> "b"']);
    expect(describeUserStep({ kind: 'updateUser', changed: ['email', 'attributes'], fields: { email: 'b@x', attributes: { k: ['2'], same: ['1'] } } }, { email: 'a@x', attributes: { k: ['1'], same: ['1'] } }))
      .toEqual(['email: "a@x" -> "b@x"', 'attributes.k: ["1"] -> ["2"]']);
    expect(describeBindingPlan({ steps: [{ kind: 'removeRoles', subject: 'Group:ops', id: 'g', roles: ['viewer'] }, { kind: 'addRoles', subject: 'User:bob', id: 'u', roles: ['admin'] }], pending: new Map([['User:al', ['admin']]]) }))
      .toEqual(['User:al: + admin', 'User:bob: + admin', 'Group:ops: - viewer']);
  });
});
