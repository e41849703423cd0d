import { USER_OWNER_ATTRIBUTE } from '../../../src/api/constants.js';
import type { DashUserSpec } from '../../../src/api/user.js';
import { attributesCondition, droppedAttributes, unmatchedAttributes } from '../../../src/controllers/user/attributes.js';
import { planUser, type ObservedUser, type UserInputs } from '../../../src/controllers/user/plan.js';

const spec = (over: Partial<DashUserSpec> = {}): DashUserSpec => ({
  realmRef: { name: 'dash' }, username: 'alice', enabled: true, ...over,
});
const inputs = (over: Partial<UserInputs> = {}): UserInputs => ({ groupIds: new Map(), actionsEmailSent: false, owner: 'ns/alice', ...over });
const observed = (over: Partial<ObservedUser> = {}): ObservedUser => ({ id: 'u1', fields: { enabled: true }, groups: new Map(), ...over });

describe('planUser', () => {
  it('observed equals desired gives an empty plan', () => {
    const full = spec({
      email: 'alice@example.com', firstName: 'Alice', emailVerified: true, requiredActions: ['CONFIGURE_TOTP'],
      attributes: { department: ['analytics'] }, groups: [{ path: 'eng/platform' }],
      initialPassword: { secretRef: { name: 'p', key: 'password' }, temporary: true, rotateOnChange: true },
    });
    const user = observed({
      fields: { email: 'alice@example.com', firstName: 'Alice', enabled: true, emailVerified: true, requiredActions: ['CONFIGURE_TOTP', 'UPDATE_PASSWORD'], attributes: { department: ['analytics'], idp: ['x'] } },
      groups: new Map([['eng/platform', 'g1']]),
    });
    expect(planUser(full, user, inputs({ groupIds: new Map([['eng/platform', 'g1']]), passwordVersion: 'v1', appliedPasswordVersion: 'v1' }))).toEqual([]);
  });

  it('creates the user in its groups and sets the initial password once', () => {
    const steps = planUser(spec({ groups: [{ name: 'b' }, { path: 'a' }], initialPassword: { secretRef: { name: 'p', key: 'k' }, temporary: true, rotateOnChange: false } }),
      undefined, inputs({ groupIds: new Map([['b', 'gb'], ['a', 'ga']]), passwordVersion: 'v1' }));
    expect(steps.map((s) => s.kind)).toEqual(['createUser', 'setPassword']);
    expect(steps[0]).toMatchObject({ groups: [{ path: 'a', groupId: 'ga' }, { path: 'b', groupId: 'gb' }] });
  });

  it('writes the owner mark in the create request itself, beside the managed attributes', () => {
    const [create] = planUser(spec({ attributes: { department: ['analytics'] } }), undefined, inputs());
    expect(create).toMatchObject({ kind: 'createUser', fields: { attributes: { department: ['analytics'], [USER_OWNER_ATTRIBUTE]: ['ns/alice'] } } });
  });

  it('never sets the password again without rotateOnChange, even when the Secret changed', () => {
    const s = spec({ initialPassword: { secretRef: { name: 'p', key: 'k' }, temporary: true, rotateOnChange: false } });
    expect(planUser(s, observed(), inputs({ passwordVersion: 'v2', appliedPasswordVersion: 'v1' }))).toEqual([]);
  });

  it('sets it again when the Secret changed and the spec opts in', () => {
    const s = spec({ initialPassword: { secretRef: { name: 'p', key: 'k' }, temporary: false, rotateOnChange: true } });
    expect(planUser(s, observed(), inputs({ passwordVersion: 'v2', appliedPasswordVersion: 'v1' }))).toEqual([{ kind: 'setPassword', temporary: false }]);
  });

  it('writes only changed fields, keeping unmanaged attributes and a pending UPDATE_PASSWORD', () => {
    const steps = planUser(spec({ firstName: 'Alice', requiredActions: [], attributes: { department: ['bi'] } }),
      observed({ fields: { enabled: true, firstName: 'Al', requiredActions: ['UPDATE_PASSWORD', 'VERIFY_EMAIL'], attributes: { department: ['x'], idp: ['y'] } } }), inputs());
    expect(steps).toEqual([{
      kind: 'updateUser', changed: ['attributes', 'firstName', 'requiredActions'],
      fields: { attributes: { department: ['bi'], idp: ['y'] }, firstName: 'Alice', requiredActions: ['UPDATE_PASSWORD'] },
    }]);
  });

  it('leaves membership alone when spec.groups is absent, and empties it for []', () => {
    const user = observed({ groups: new Map([['x', 'gx']]) });
    expect(planUser(spec(), user, inputs())).toEqual([]);
    expect(planUser(spec({ groups: [] }), user, inputs())).toEqual([{ kind: 'leaveGroup', groupId: 'gx', path: 'x' }]);
  });

  it('sends the execute-actions e-mail once, at creation', () => {
    const s = spec({ email: 'a@example.com', executeActionsEmail: { actions: ['UPDATE_PASSWORD'], lifespanSeconds: 3600 } });
    expect(planUser(s, undefined, inputs()).map((x) => x.kind)).toEqual(['createUser', 'sendActionsEmail']);
    expect(planUser(s, observed({ fields: { enabled: true, email: 'a@example.com' } }), inputs({ actionsEmailSent: true }))).toEqual([]);
  });
});

describe('planUser on an adopted user', () => {
  it('never sets a password it did not set before', () => {
    const s = spec({ initialPassword: { secretRef: { name: 'p', key: 'k' }, temporary: true, rotateOnChange: true } });
    expect(planUser(s, observed(), inputs({ passwordVersion: 'v1' }))).toEqual([]);
  });
});

describe('planUser and spec.enabled', () => {
  it('leaves an unset enabled as Keycloak holds it, and creates the user enabled', () => {
    const unset = spec({ enabled: undefined });
    expect(planUser(unset, observed({ fields: { enabled: false } }), inputs())).toEqual([]);
    expect(planUser(unset, undefined, inputs())[0]).toMatchObject({ kind: 'createUser', fields: { enabled: true } });
  });

  it('enforces a set enabled', () => {
    expect(planUser(spec({ enabled: true }), observed({ fields: { enabled: false } }), inputs()))
      .toEqual([{ kind: 'updateUser', fields: { enabled: true }, changed: ['enabled'] }]);
    expect(planUser(spec({ enabled: false }), undefined, inputs())[0]).toMatchObject({ fields: { enabled: false } });
  });
});

describe('planUser retries the initial password and e-mail until status records them', () => {
  const withPassword = spec({ initialPassword: { secretRef: { name: 'p', key: 'k' }, temporary: true, rotateOnChange: false } });
  const withEmail = spec({ email: 'a@example.com', executeActionsEmail: { actions: ['UPDATE_PASSWORD'], lifespanSeconds: 3600 } });

  it('sets the password of a user it created that has none (the pass that created it failed after the create)', () => {
    expect(planUser(withPassword, observed(), inputs({ owned: true, hasPassword: false, passwordVersion: 'v1' }))).toEqual([{ kind: 'setPassword', temporary: true }]);
  });

  it('sets nothing when Keycloak already holds a password (a lost status write, or the user set one)', () => {
    expect(planUser(withPassword, observed(), inputs({ owned: true, hasPassword: true, passwordVersion: 'v1' }))).toEqual([]);
  });

  it('sends the e-mail to a user it created until status records it, never to an adopted one', () => {
    const user = observed({ fields: { enabled: true, email: 'a@example.com' } });
    expect(planUser(withEmail, user, inputs({ owned: true }))).toEqual([{ kind: 'sendActionsEmail', actions: ['UPDATE_PASSWORD'], lifespanSeconds: 3600 }]);
    expect(planUser(withEmail, user, inputs({ owned: false }))).toEqual([]);
  });

  it('gives a re-created user its password even though status recorded one for the old account', () => {
    const steps = planUser(withPassword, undefined, inputs({ passwordVersion: 'v1', appliedPasswordVersion: 'v1' }));
    expect(steps.map((s) => s.kind)).toEqual(['createUser', 'setPassword']);
  });
});

describe('planUser and attributes Keycloak drops', () => {
  it('never writes a dropped attribute again, and still writes the others', () => {
    const s = spec({ attributes: { department: ['bi'], undeclared: ['x'] } });
    const user = observed({ fields: { enabled: true, attributes: { department: ['bi'] } } });
    expect(planUser(s, user, inputs({ droppedAttributes: new Set(['undeclared']) }))).toEqual([]);
    const drifted = observed({ fields: { enabled: true, attributes: { department: ['old'] } } });
    expect(planUser(s, drifted, inputs({ droppedAttributes: new Set(['undeclared']) }))).toEqual([
      { kind: 'updateUser', changed: ['attributes'], fields: { attributes: { department: ['bi'] } } },
    ]);
  });
});

describe('attributes Keycloak drops', () => {
  const profile = (unmanagedAttributePolicy: 'DISABLED' | 'ENABLED' | 'ADMIN_VIEW' | 'ADMIN_EDIT') => ({ declared: ['department', 'email'], unmanagedAttributePolicy });

  it.each([
    ['DISABLED', ['shoe-size']], ['ADMIN_VIEW', ['shoe-size']], ['ENABLED', []], ['ADMIN_EDIT', []],
  ] as const)('with unmanaged attributes %s, drops %j of the undeclared keys', (policy, dropped) => {
    expect(droppedAttributes(['department', 'shoe-size'], profile(policy))).toEqual(dropped);
  });

  it('considers only the keys whose value Keycloak does not hold', () => {
    const s = spec({ attributes: { department: ['bi'], team: ['a', 'b'], shoe: ['44'] } });
    expect(unmatchedAttributes(s, { attributes: { department: ['bi'], team: ['b', 'a'] } })).toEqual(['shoe', 'team']);
  });

  it('reports dropped keys in AttributesDropped, False when all are kept, nothing without spec.attributes', () => {
    expect(attributesCondition(spec({ attributes: {} }), 'dash', ['shoe'])[0]).toMatchObject({ type: 'AttributesDropped', status: 'True', reason: 'NotInUserProfile' });
    expect(attributesCondition(spec({ attributes: {} }), 'dash', [])[0]).toMatchObject({ status: 'False' });
    expect(attributesCondition(spec(), 'dash', [])).toEqual([]);
  });
});


describe('profile text as Keycloak stores it', () => {
  // Keycloak keeps no empty first/last name or e-mail, and stores e-mail addresses in lower
  // case: comparing the spec literally would send the same update on every pass.
  it('plans nothing for an empty name or e-mail that Keycloak holds as absent', () => {
    expect(planUser(spec({ firstName: '', lastName: '', email: '' }), observed({ fields: { enabled: true } }), inputs())).toEqual([]);
  });
  it('plans nothing for an e-mail that differs only in case', () => {
    expect(planUser(spec({ email: 'Alice@Example.COM' }), observed({ fields: { enabled: true, email: 'alice@example.com' } }), inputs())).toEqual([]);
  });
  it('still clears a name that is set in Keycloak when the spec says empty', () => {
    expect(planUser(spec({ firstName: '' }), observed({ fields: { enabled: true, firstName: 'Al' } }), inputs()))
      .toEqual([{ kind: 'updateUser', fields: { firstName: '' }, changed: ['firstName'] }]);
  });
});
