import { USER_OWNER_ATTRIBUTE } from '../../../src/api/constants.js';
import type { DashUserSpec } from '../../../src/api/user.js';
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
