// Property: the running operator reports on every object admission lets through, whatever its
// spec, and never crashes or stalls: each generated spec (valid or not, from the same
// arbitraries as admission-properties.test.ts) is either refused by the real kube-apiserver or
// gets a Ready condition for its generation (True, or False with a reason), and an object
// applied after all of them still becomes Ready. Names that reach Keycloak are rewritten to
// this run's realm, so users, groups and bindings are reconciled against the real Keycloak.
// Every object reported Ready=True is then checked against Keycloak itself, read through raw
// REST (test/integration/support/keycloak-rest.ts), not through src/keycloak.
// Replay with DKO_PROPERTY_SEED=<seed>; DKO_FUZZ_RUNS=<n> cases per kind.
import * as k8s from '@kubernetes/client-node';
import fc from 'fast-check';
import { API_GROUP, API_VERSION, KIND_NAMES, KINDS, type Kind } from '../../../src/api/index.js';
import { readyCondition, useOperator } from '../operator/harness.js';
import { KeycloakRest } from '../support/keycloak-rest.js';
import { VALID_SPECS, specCase, type Json } from './arbitraries.js';

const SEED = Number(process.env.DKO_PROPERTY_SEED ?? 20_261_126);
const RUNS = Number(process.env.DKO_FUZZ_RUNS ?? 30);

describe('the running operator under generated specs', () => {
  const { op, rest } = useOperator({ extraArgs: ['--dependency-wait=2s'], realm: {} });
  const createdRealms: string[] = [];
  afterAll(async () => {
    for (const realm of createdRealms) await rest.deleteRealm(realm);
  });

  it('reports every admitted object for its generation and stays responsive', async () => {
    const custom = op.kc.makeApiClient(k8s.CustomObjectsApi);
    const cases = KIND_NAMES.flatMap((kind) => fc.sample(specCase(kind), { seed: SEED, numRuns: RUNS }));
    const admitted: { kind: Kind; name: string }[] = [];
    for (const [i, c] of cases.entries()) {
      const name = `fuzz-${i}`;
      const spec = intoThisRun(c.spec, op.realm, i, createdRealms);
      try {
        await custom.createNamespacedCustomObject({
          group: API_GROUP, version: API_VERSION, namespace: op.namespace, plural: KINDS[c.kind].plural, fieldValidation: 'Ignore',
          body: { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: c.kind, metadata: { name }, spec },
        });
        admitted.push({ kind: c.kind, name });
      } catch (err) {
        // Refused at admission: a schema or CEL rule, never a server error.
        expect((err as { code?: number }).code).toBe(422);
      }
    }
    expect(admitted.length).toBeGreaterThanOrEqual(KIND_NAMES.length * 2);
    const ready: Reported[] = [];
    for (const { kind, name } of admitted) {
      // A binding records a grant one pass before it maps it (Ready=False Progressing, subjects[].pending): Ready=True must mean mapped.
      const reported = await op.waitFor<Reported>(kind, name,
        (o) => readyCondition(o) !== undefined && readyCondition(o)?.reason !== 'Progressing' && o.status?.observedGeneration === o.metadata.generation
          && !(readyCondition(o)?.status === 'True' && (o.status?.subjects ?? []).some((s) => (s.pending ?? []).length > 0)), 90_000);
      expect(readyCondition(reported)?.reason).toMatch(/^[A-Z][A-Za-z]+$/);
      if (readyCondition(reported)?.status === 'True') ready.push(reported);
    }
    // Ready means Keycloak holds what the spec says: read it back independently.
    expect(ready.length).toBeGreaterThanOrEqual(KIND_NAMES.length);
    const wrong: string[] = [];
    for (const obj of ready) wrong.push(...(await keycloakMismatches(rest, op.realm, obj)).map((m) => `${obj.kind} ${obj.metadata.name}: ${m}`));
    expect(wrong).toEqual([]);
    // Not stalled: an object applied after all of them converges.
    op.apply({ apiVersion: `${API_GROUP}/${API_VERSION}`, kind: 'DashGroup', metadata: { name: 'after-the-fuzz' }, spec: { realmRef: { name: 'dash' } } });
    await op.waitReady('DashGroup', 'after-the-fuzz');
    expect(op.logs()).not.toMatch(/uncaught|unhandled/i);
  });

  it('holds in Keycloak exactly the profile of generated valid DashUsers it reports Ready', async () => {
    // Valid user specs without what needs more than the realm (groups, a password Secret, SMTP
    // for the e-mail, attributes the user profile would have to declare): each must converge.
    const specs = fc.sample(VALID_SPECS.DashUser, { seed: SEED, numRuns: RUNS }).map((spec, i) => {
      const { groups: _g, initialPassword: _p, executeActionsEmail: _e, attributes: _a, ...rest } = spec as { [key: string]: Json };
      // Generated action aliases are well-formed but unknown to Keycloak: pick real ones instead.
      const requiredActions = ['VERIFY_EMAIL', 'UPDATE_PROFILE', 'CONFIGURE_TOTP', 'UPDATE_PASSWORD'].slice(0, i % 3);
      // Keycloak's user profile refuses some characters in names that the schema admits; every
      // other sample keeps only letters, digits and spaces so that enough of them converge.
      const name = (value: Json | undefined) => (typeof value === 'string' && i % 2 === 0 ? value.replace(/[^\p{L}\p{N} ]/gu, '') : value);
      return { ...rest, realmRef: { name: 'dash' }, username: `${String(rest.username)}-${i}`.slice(0, 255), email: undefined, requiredActions,
        firstName: name(rest.firstName), lastName: name(rest.lastName) };
    });
    const names: string[] = [];
    const custom = op.kc.makeApiClient(k8s.CustomObjectsApi);
    for (const [i, spec] of specs.entries()) {
      try {
        await custom.createNamespacedCustomObject({
          group: API_GROUP, version: API_VERSION, namespace: op.namespace, plural: KINDS.DashUser.plural,
          body: { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: 'DashUser', metadata: { name: `valid-user-${i}` }, spec: JSON.parse(JSON.stringify(spec)) as Json },
        });
        names.push(`valid-user-${i}`);
      } catch (err) {
        // The generator's text lengths count graphemes, the schema's code points: a rare
        // sample is over a bound and refused at admission, which is not this test's concern.
        expect((err as { code?: number }).code).toBe(422);
      }
    }
    expect(names.length).toBeGreaterThanOrEqual(RUNS / 2);
    const wrong: string[] = [];
    let ready = 0;
    for (const name of names) {
      const user = await op.waitFor<Reported>('DashUser', name,
        (o) => readyCondition(o) !== undefined && readyCondition(o)?.reason !== 'Unknown' && o.status?.observedGeneration === o.metadata.generation, 90_000);
      const condition = readyCondition(user)!;
      if (condition.status === 'True') {
        ready++;
        wrong.push(...(await keycloakMismatches(rest, op.realm, { ...user, kind: 'DashUser' })).map((m) => `DashUser ${name}: ${m}`));
      } else if (condition.reason !== 'KeycloakRejected' || !/\(\w+: error-[a-z-]+/.test(condition.message)) {
        // Keycloak's user profile is stricter than the schema (it refuses some characters in
        // names): that must read as Keycloak's verdict on a named field, nothing else.
        wrong.push(`DashUser ${name}: not Ready for an unexpected reason: ${condition.reason}: ${condition.message}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(ready).toBeGreaterThanOrEqual(names.length / 3);
  });
});

/**
 * The spec with a valid `realmRef.name` pointed at this run's DashRealm and a valid
 * `spec.realm` made unique to this run (recorded for cleanup), so that nothing generated
 * touches another test's realm (or `master`). Invalid values stay as generated.
 */
function intoThisRun(spec: Json, realm: string, i: number, createdRealms: string[]): Json {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return spec;
  const out: { [key: string]: Json } = { ...spec };
  const ref = out.realmRef;
  if (typeof ref === 'object' && ref !== null && !Array.isArray(ref) && typeof ref.name === 'string' && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ref.name)) {
    out.realmRef = { ...ref, name: 'dash' };
  }
  if (typeof out.realm === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(out.realm)) {
    out.realm = `${realm}-${i}`;
    createdRealms.push(out.realm);
  }
  return out;
}

type Reported = {
  kind: Kind;
  metadata: { name: string; generation: number };
  spec: { [key: string]: Json };
  status?: { observedGeneration?: number; keycloakId?: string; subjects?: { kind: string; name?: string; path?: string; resolved: boolean; pending?: string[] }[] };
};

const LOGIN_FIELDS: Record<string, string> = {
  userRegistration: 'registrationAllowed', forgotPassword: 'resetPasswordAllowed', rememberMe: 'rememberMe', verifyEmail: 'verifyEmail',
  loginWithEmail: 'loginWithEmailAllowed', duplicateEmails: 'duplicateEmailsAllowed', editUsername: 'editUsernameAllowed',
};

/** What Keycloak holds that differs from the spec of an object reported Ready=True (empty: none). */
async function keycloakMismatches(rest: KeycloakRest, realm: string, obj: Reported): Promise<string[]> {
  const spec = obj.spec as Record<string, unknown>;
  const out: string[] = [];
  const differs = (what: string, want: unknown, got: unknown) => { if (want !== undefined && want !== got) out.push(`${what}: spec ${JSON.stringify(want)}, Keycloak ${JSON.stringify(got)}`); };
  switch (obj.kind) {
    case 'DashRealm': {
      const name = spec.realm as string;
      const got = await rest.realm(name);
      if (!got) return [`realm ${name} missing`];
      for (const [field, value] of Object.entries((spec.login ?? {}) as Record<string, unknown>)) differs(`login.${field}`, value, got[LOGIN_FIELDS[field] ?? field]);
      const clientId = (spec.clientId as string | undefined) ?? 'dash';
      const uuid = await rest.clientUuid(name, clientId);
      if (!uuid) return [...out, `client ${clientId} missing`];
      const roles = ((await rest.get<{ name: string }[]>(`/${name}/clients/${uuid}/roles`)) ?? []).map((r) => r.name);
      for (const role of ['viewer', 'licensed_user', 'admin']) if (!roles.includes(role)) out.push(`client role ${role} missing`);
      return out;
    }
    case 'DashGroup': {
      const got = await rest.get<{ name: string }>(`/${realm}/groups/${obj.status?.keycloakId}`);
      if (!got) return [`group ${obj.status?.keycloakId} missing`];
      differs('name', spec.name ?? obj.metadata.name, got.name);
      return out;
    }
    case 'DashUser': {
      const got = await rest.get<Record<string, unknown>>(`/${realm}/users/${obj.status?.keycloakId}`);
      if (!got) return [`user ${obj.status?.keycloakId} missing`];
      differs('username', (spec.username as string).toLowerCase(), got.username);
      // Keycloak stores an empty profile field as no field at all ('' here stands for that).
      const text = (value: unknown) => (value === undefined ? '' : value);
      differs('email', (spec.email as string | undefined)?.toLowerCase(), text(got.email));
      differs('firstName', spec.firstName, text(got.firstName));
      differs('lastName', spec.lastName, text(got.lastName));
      differs('enabled', spec.enabled, got.enabled);
      differs('emailVerified', spec.emailVerified, got.emailVerified);
      const actions = (got.requiredActions ?? []) as string[];
      for (const action of (spec.requiredActions ?? []) as string[]) if (!actions.includes(action)) out.push(`required action ${action} missing`);
      if (Array.isArray(spec.groups)) {
        const groups = (await rest.get<unknown[]>(`/${realm}/users/${obj.status?.keycloakId}/groups?max=1000`)) ?? [];
        differs('number of groups', spec.groups.length, groups.length);
      }
      return out;
    }
    case 'DashRoleBinding': {
      const uuid = await rest.clientUuid(realm, 'dash');
      const roles = spec.roles as string[];
      for (const subject of obj.status?.subjects ?? []) {
        if (!subject.resolved) continue;
        let mapped: { name: string }[] | undefined;
        if (subject.kind === 'User') {
          const [user] = await rest.usersNamed(realm, subject.name ?? '');
          mapped = user && await rest.get(`/${realm}/users/${user.id}/role-mappings/clients/${uuid}`);
        } else {
          const group = await rest.get<{ id: string }>(`/${realm}/group-by-path/${(subject.path ?? '').split('/').map(encodeURIComponent).join('/')}`);
          mapped = group && await rest.get(`/${realm}/groups/${group.id}/role-mappings/clients/${uuid}`);
        }
        const names = (mapped ?? []).map((r) => r.name);
        for (const role of roles) if (!names.includes(role)) out.push(`${subject.kind} ${subject.name ?? subject.path} lacks role ${role}`);
      }
      return out;
    }
  }
}
