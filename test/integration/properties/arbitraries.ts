// fast-check arbitraries for the four kinds' specs: valid ones, and near-valid ones with one
// or two edits (wrong types, values just past a bound, bad patterns, forbidden combinations,
// unknown fields, oversize lists). The properties do not trust these generators to know what
// is valid: the real kube-apiserver decides, and parseSpec must agree with it.
import fc from 'fast-check';
import { formatPath, type Kind } from '../../../src/api/index.js';

/** A JSON value, as a manifest holds it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A location in the spec: object keys and array indexes. */
export type Path = (string | number)[];

/** One change applied to a valid spec. */
export type Edit = { op: 'set'; path: Path; value: Json } | { op: 'delete'; path: Path };

/** A generated spec and, for the report, the edits that turned a valid spec into it. */
export interface SpecCase { kind: Kind; spec: Json; edits: string[] }

// ---- characters and strings ----------------------------------------------------------------

const chars = (s: string) => fc.constantFrom(...Array.from(s));
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
// Outside ASCII, on purpose: astral characters are one code point but two UTF-16 units (so they
// probe whether a length is counted the same way on both sides), and Unicode spaces are
// whitespace to ECMAScript's \s but not to RE2's.
const WIDE = ['é', 'ß', 'É', '漢', 'ǅ', '😀', '𠀀'];
const SPACES = [' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\u1680', '\u2007', '\u2028', '\u202f', '\u3000', '\ufeff'];

const lower = chars(LOWER);
const alnum = chars(LOWER + DIGITS);
const wide = fc.constantFrom(...WIDE);
const space = fc.constantFrom(...SPACES);
/** Any character a human might type into a name, spaces and astral characters included. */
const anyChar = fc.oneof({ weight: 6, arbitrary: chars(`${LOWER}${DIGITS}ABCXYZ-_.:@/ `) }, { weight: 3, arbitrary: wide }, { weight: 1, arbitrary: space });

const str = (unit: fc.Arbitrary<string>, minLength: number, maxLength: number) => fc.string({ unit, minLength, maxLength });

/** A string of exactly `bound - 2` to `bound + 2` characters (code points) from `unit`. */
function aroundLength(unit: fc.Arbitrary<string>, bound: number): fc.Arbitrary<string> {
  return fc.integer({ min: Math.max(0, bound - 2), max: bound + 2 }).chain((n) => str(unit, n, n));
}

/** Mostly short strings from `unit`, sometimes right at `bound` characters (ASCII or astral-heavy). */
function bounded(unit: fc.Arbitrary<string>, minLength: number, bound: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: str(unit, minLength, Math.min(12, bound)) },
    { weight: 1, arbitrary: aroundLength(unit, bound) },
    { weight: 1, arbitrary: aroundLength(fc.oneof(unit, wide), bound) },
  );
}

/** DNS-1123 subdomain names (Kubernetes object names, DashGroup names). */
const kubeName = fc.tuple(lower, str(alnum, 0, 10), fc.option(fc.tuple(fc.constantFrom('-', '.'), alnum), { nil: undefined }))
  .map(([first, rest, tail]) => `${first}${rest}${tail ? tail.join('') : ''}`);
const secretKey = str(chars(`${LOWER}ABC${DIGITS}-._`), 1, 12);
const realmName = fc.tuple(alnum, str(chars(`${LOWER}ABC${DIGITS}._-`), 0, 10)).map(([a, b]) => a + b);
const roleName = fc.tuple(alnum, str(chars(`${LOWER}${DIGITS}._:-`), 0, 12)).map(([a, b]) => a + b);
const actionAlias = fc.tuple(chars('ABCDEFGHUVWabc'), str(chars(`ABCDEFGHUVW${LOWER}${DIGITS}_-`), 0, 14)).map(([a, b]) => a + b);
/** A Keycloak username: no ASCII upper case, no whitespace; '@', '.', accents and astral characters are fine. */
const usernameText = bounded(fc.oneof({ weight: 8, arbitrary: chars(`${LOWER}${DIGITS}.-_@`) }, { weight: 1, arbitrary: fc.constantFrom('é', '漢', '😀', 'É') }), 1, 255);
/** A group name segment: anything but '/'. */
const segment = bounded(fc.oneof({ weight: 4, arbitrary: chars(`${LOWER}${DIGITS}ABC-_ .`) }, { weight: 1, arbitrary: wide }), 1, 24);
const groupPathText = fc.tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 4 })).map(([slash, parts]) => `${slash ? '/' : ''}${parts.join('/')}`);
const emailText = fc.tuple(str(chars(`${LOWER}${DIGITS}.+_`), 1, 10), kubeName, fc.constantFrom('com', 'org', 'dev', 'ch')).map(([local, domain, tld]) => `${local}@${domain}.${tld}`);
const freeText = (bound: number) => bounded(anyChar, 0, bound);

// ---- valid specs -----------------------------------------------------------------------------

const ref = fc.record({ name: kubeName });
const keyRef = fc.record({ name: kubeName, key: secretKey });
const opt = <T>(shape: { [K in keyof T]: fc.Arbitrary<T[K]> }) => fc.record(shape, { requiredKeys: [] });

const passwordPolicy = opt({
  length: fc.integer({ min: 1, max: 64 }),
  maxLength: fc.integer({ min: 64, max: 1024 }),
  digits: fc.integer({ min: 0, max: 1024 }),
  lowerCase: fc.integer({ min: 0, max: 8 }),
  upperCase: fc.integer({ min: 0, max: 8 }),
  specialChars: fc.integer({ min: 0, max: 8 }),
  notUsername: fc.boolean(),
  notEmail: fc.boolean(),
  passwordHistory: fc.integer({ min: 1, max: 1000 }),
  forceExpiredPasswordChange: fc.integer({ min: 1, max: 36500 }),
  regexPattern: freeText(1024).filter((s) => s.length > 0),
  hashIterations: fc.integer({ min: 1, max: 10_000_000 }),
  hashAlgorithm: fc.constantFrom('pbkdf2-sha512', 'argon2', 'pbkdf2'),
});

const email = fc.record({
  host: fc.constantFrom('smtp.example.com', 'localhost', 'mail'),
  port: fc.integer({ min: 1, max: 65535 }),
  from: emailText,
  fromDisplayName: freeText(255),
  replyTo: emailText,
  replyToDisplayName: freeText(255),
  envelopeFrom: emailText,
  ssl: fc.boolean(),
  starttls: fc.boolean(),
  auth: fc.record({ username: str(anyChar, 1, 12), passwordSecretRef: keyRef }),
}, { requiredKeys: ['host', 'from'] });

const validRealm = opt({
  realm: realmName,
  clientId: roleName,
  keycloak: fc.record({
    url: fc.tuple(fc.constantFrom('http', 'https'), kubeName, fc.constantFrom('', '/', '/auth', ':8443/kc')).map(([s, h, p]) => `${s}://${h}${p}`),
    credentialsSecretRef: ref,
    authRealm: realmName,
    caBundle: fc.oneof(fc.record({ configMapRef: keyRef }), fc.record({ secretRef: keyRef })),
  }, { requiredKeys: ['url', 'credentialsSecretRef'] }),
  login: opt({
    userRegistration: fc.boolean(), forgotPassword: fc.boolean(), rememberMe: fc.boolean(), verifyEmail: fc.boolean(),
    loginWithEmail: fc.boolean(), duplicateEmails: fc.boolean(), editUsername: fc.boolean(),
  }),
  email,
  requiredActions: fc.uniqueArray(opt({ alias: actionAlias, enabled: fc.boolean(), defaultAction: fc.boolean() }).map((a) => ({ alias: 'CONFIGURE_TOTP', ...a })),
    { selector: (a) => a.alias, maxLength: 4 }),
  passwordPolicy,
  logoutPolicy: fc.constantFrom('Manual', 'Automatic'),
  licenseRevocation: fc.constantFrom('Warn', 'Protect'),
  roleManagement: fc.constantFrom('Additive', 'Exclusive'),
  deletionPolicy: fc.constantFrom('Delete', 'Retain'),
}).map((spec) => {
  // Repair the cross-field rules so that this generator yields valid specs; edits break them on purpose.
  const s = structuredClone(spec) as Record<string, Json> & typeof spec;
  if ((s.login?.forgotPassword || s.login?.verifyEmail) && s.email === undefined) s.email = { host: 'smtp.example.com', from: 'dash@example.com' };
  for (const a of s.requiredActions ?? []) if (a.defaultAction && a.enabled === false) a.enabled = true;
  return s as Json;
});

const validGroup = fc.record({
  realmRef: ref,
  name: segment,
  parent: fc.oneof(fc.constant({}), fc.record({ parentRef: ref }), fc.record({ parentPath: groupPathText })),
  deletionPolicy: fc.constantFrom('Delete', 'Retain'),
}, { requiredKeys: ['realmRef', 'parent'] }).map(({ parent, ...rest }) => ({ ...rest, ...parent }) as Json);

const attributeKey = str(chars(`${LOWER}ABC${DIGITS}_.:-`), 1, 16);
const validUser = fc.record({
  realmRef: ref,
  username: usernameText,
  email: emailText,
  firstName: freeText(255),
  lastName: freeText(255),
  enabled: fc.boolean(),
  emailVerified: fc.boolean(),
  requiredActions: fc.uniqueArray(actionAlias, { maxLength: 4 }),
  groups: fc.array(fc.oneof(fc.record({ name: kubeName }), fc.record({ path: groupPathText })), { maxLength: 4 }),
  attributes: fc.dictionary(attributeKey, fc.array(freeText(2048), { maxLength: 3 }), { maxKeys: 4, noNullPrototype: true }),
  credentials: fc.oneof(
    fc.constant({}),
    fc.record({ initialPassword: fc.record({ secretRef: keyRef, temporary: fc.boolean(), rotateOnChange: fc.boolean() }, { requiredKeys: ['secretRef'] }) }),
    fc.record({
      executeActionsEmail: fc.record({ actions: fc.uniqueArray(actionAlias, { minLength: 1, maxLength: 3 }), lifespanSeconds: fc.integer({ min: 60, max: 2_592_000 }) }, { requiredKeys: ['actions'] }),
      email: emailText,
    }),
  ),
  deletionPolicy: fc.constantFrom('Delete', 'Retain'),
}, { requiredKeys: ['realmRef', 'username', 'credentials'] }).map(({ credentials, ...rest }) => ({ ...rest, ...credentials }) as Json);

const subject = fc.oneof(
  fc.record({ kind: fc.constant('User'), name: usernameText }),
  fc.record({ kind: fc.constant('Group'), name: kubeName }),
  fc.record({ kind: fc.constant('Group'), path: groupPathText }),
);
const validBinding = fc.record({
  realmRef: ref,
  roles: fc.uniqueArray(fc.oneof(fc.constantFrom('viewer', 'licensed_user', 'admin'), roleName), { minLength: 1, maxLength: 4 }),
  subjects: fc.array(subject, { minLength: 1, maxLength: 4 }),
}) as fc.Arbitrary<Json>;

/** Valid specs of each kind (as far as the generator knows: the API server has the last word). */
export const VALID_SPECS: Record<Kind, fc.Arbitrary<Json>> = {
  DashRealm: validRealm, DashGroup: validGroup, DashUser: validUser, DashRoleBinding: validBinding,
};

// ---- targeted edits ----------------------------------------------------------------------------

const set = (path: Path, value: fc.Arbitrary<Json>): fc.Arbitrary<Edit[]> => value.map((v) => [{ op: 'set', path, value: v }]);
const del = (path: Path): Edit => ({ op: 'delete', path });
const distinct = (n: number, make: (i: number) => Json): Json[] => Array.from({ length: n }, (_, i) => make(i));

/** Strings that break one of the patterns: spaces (ASCII and Unicode), upper case, empty, slashes. */
const badName = fc.oneof(
  fc.constantFrom('', ' ', 'Alice', 'alice smith', 'a\u00a0b', 'a\vb', 'a\u2028b', 'a\u3000b', 'a\ufeffb', 'a/b', '-a', 'a_b', 'a..b'),
  fc.tuple(str(lower, 1, 4), space, str(lower, 1, 4)).map(([a, s, b]) => a + s + b),
);
const badGroupPath = fc.constantFrom('', '/', '//', 'a//b', 'a/', '/a/', '//a', 'a/b//c', 'a\u00a0/b');
const badEmail = fc.constantFrom('dash', 'a@b', '@example.com', 'a b@example.com', 'a\u00a0b@example.com', 'a\vb@example.com', 'a@exa\u2028mple.com', 'a@@b.cd');
const badUrl = fc.constantFrom('ftp://auth.example.com', 'auth.example.com', 'https://', 'https://a b', 'https://auth\u00a0x.example.com', 'https://a\vb.example.com', 'https://x.example.com/a\u3000b', 'https://x?y');
const around = (bound: number) => fc.integer({ min: bound - 2, max: bound + 2 });

const TARGETED: Record<Kind, fc.Arbitrary<Edit[]>> = {
  DashRealm: fc.oneof(
    fc.constantFrom<Edit[]>([{ op: 'set', path: ['login', 'forgotPassword'], value: true }, del(['email'])],
      [{ op: 'set', path: ['login', 'verifyEmail'], value: true }, del(['email'])]),
    set(['login', 'forgotPassword'], fc.constantFrom<Json>('true', 1, null)),
    set(['email'], fc.record({ host: str(anyChar, 0, 3), from: fc.oneof(emailText, badEmail), port: fc.oneof(around(1), around(65535), fc.constant(587.5)) }, { requiredKeys: ['from'] })),
    set(['email', 'from'], badEmail),
    set(['keycloak'], fc.record({ url: fc.oneof(badUrl, fc.constant('https://auth.example.com')), credentialsSecretRef: ref, caBundle: fc.constantFrom<Json>({}, { configMapRef: { name: 'ca', key: 'ca.crt' }, secretRef: { name: 'ca', key: 'ca.crt' } }) }, { requiredKeys: ['url'] })),
    set(['passwordPolicy'], fc.record({ length: around(1), maxLength: fc.integer({ min: -1, max: 1030 }), digits: around(1024), passwordHistory: around(1000), forceExpiredPasswordChange: around(36500), hashIterations: around(10_000_000) }, { requiredKeys: [] })),
    set(['requiredActions'], fc.oneof(
      fc.constant<Json>([{ alias: 'CONFIGURE_TOTP', enabled: false, defaultAction: true }]),
      fc.constant<Json>([{ alias: 'CONFIGURE_TOTP' }, { alias: 'CONFIGURE_TOTP', enabled: false }]),
      around(64).map((n) => distinct(n, (i) => ({ alias: `ACTION_${i}` }))),
      badName.map((alias) => [{ alias }]),
    )),
    set(['realm'], fc.oneof(badName, aroundLength(chars(LOWER), 255), aroundLength(wide, 255))),
    set(['clientId'], badName),
    set(['logoutPolicy'], fc.constantFrom('Sometimes', 'manual', '')),
  ),
  DashGroup: fc.oneof(
    fc.tuple(kubeName, groupPathText).map(([n, p]): Edit[] => [{ op: 'set', path: ['parentRef'], value: { name: n } }, { op: 'set', path: ['parentPath'], value: p }]),
    set(['parentPath'], fc.oneof(badGroupPath, groupPathText, aroundLength(fc.oneof(lower, wide), 1024))),
    set(['name'], fc.oneof(fc.constantFrom('', 'a/b', '/', 'a/'), aroundLength(lower, 255), aroundLength(wide, 255))),
    set(['realmRef'], fc.oneof(fc.constant({}), badName.map((name) => ({ name })))),
    set(['parentRef'], fc.constantFrom<Json>({}, { name: 'Eng' }, { name: 'eng', extra: 1 })),
    fc.constant<Edit[]>([del(['realmRef'])]),
  ),
  DashUser: fc.oneof(
    set(['username'], fc.oneof(badName, aroundLength(lower, 255), aroundLength(wide, 255))),
    set(['email'], badEmail),
    set(['firstName'], fc.oneof(aroundLength(lower, 255), aroundLength(wide, 255), aroundLength(anyChar, 255))),
    set(['groups'], fc.oneof(
      fc.constantFrom<Json>([{ name: 'eng', path: 'eng' }], [{}], [{ path: 'a//b' }], [{ path: '/' }], [{ name: 'Eng' }]),
      around(64).map((n) => distinct(n, (i) => ({ name: `g${i}` }))),
    )),
    fc.constant<Edit[]>([{ op: 'set', path: ['email'], value: 'a@example.com' },
      { op: 'set', path: ['initialPassword'], value: { secretRef: { name: 'pw', key: 'password' } } },
      { op: 'set', path: ['executeActionsEmail'], value: { actions: ['UPDATE_PASSWORD'] } }]),
    fc.constant<Edit[]>([{ op: 'set', path: ['executeActionsEmail'], value: { actions: ['UPDATE_PASSWORD'] } }, del(['email']), del(['initialPassword'])]),
    fc.tuple(around(60), fc.oneof(fc.constant<Json[]>([]), around(16).map((n) => distinct(n, (i) => `ACTION_${i}`)), fc.constant<Json[]>(['X', 'X']))).map(([life, actions]): Edit[] => [
      { op: 'set', path: ['email'], value: 'a@example.com' }, del(['initialPassword']), { op: 'set', path: ['executeActionsEmail'], value: { actions, lifespanSeconds: life } }]),
    set(['attributes'], fc.oneof(
      around(64).map((n) => Object.fromEntries(distinct(n, (i) => [`a${i}`, ['x']]) as [string, Json][])),
      fc.oneof(badName, aroundLength(chars(LOWER), 255), aroundLength(wide, 255)).map((k) => ({ [k]: ['x'] })),
      around(32).map((n) => ({ department: distinct(n, (i) => `v${i}`) })),
      aroundLength(fc.oneof(lower, wide), 2048).map((v) => ({ department: [v] })),
    )),
    set(['requiredActions'], fc.oneof(fc.constant<Json>(['UPDATE_PASSWORD', 'UPDATE_PASSWORD']), around(32).map((n) => distinct(n, (i) => `ACTION_${i}`)), badName.map((a) => [a]))),
    fc.constant<Edit[]>([del(['username'])]),
  ),
  DashRoleBinding: fc.oneof(
    set(['roles'], fc.oneof(
      fc.constantFrom<Json>([], ['admin', 'admin'], ['Dash Admin'], ['_x'], [''], [1]),
      around(32).map((n) => distinct(n, (i) => `role-${i}`)),
      aroundLength(chars(LOWER), 128).map((r) => [r]),
    )),
    set(['subjects'], fc.oneof(
      fc.constantFrom<Json>([], [{ kind: 'User', path: 'eng' }], [{ kind: 'User' }], [{ kind: 'Group', name: 'eng', path: 'eng' }], [{ kind: 'Group' }],
        [{ kind: 'Group', name: 'data_science' }], [{ kind: 'ServiceAccount', name: 'alice' }], [{ name: 'alice' }]),
      badName.map((name) => [{ kind: 'User', name }]),
      badGroupPath.map((path) => [{ kind: 'Group', path }]),
      around(256).map((n) => distinct(n, (i) => ({ kind: 'User', name: `user-${i}` }))),
    )),
    fc.constant<Edit[]>([del(['realmRef'])]),
  ),
};

// ---- generic edits -----------------------------------------------------------------------------

/** Values of the wrong type, or at or past a bound, to put anywhere in a spec. */
const badValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(0, -1, 1, 1.5, 65536, 2 ** 31, 1e12, 2_592_001, 10_000_001),
  fc.constantFrom('', ' ', 'A', 'true', '587', 'a//b', '/', 'Alice', 'x\u00a0y', 'ftp://x'),
  fc.oneof(aroundLength(chars(LOWER), 255), aroundLength(wide, 255), aroundLength(anyChar, 1024)),
  fc.constantFrom<Json>([], {}, ['x'], [1, 2], { name: 'x' }),
);

/** An edit not tied to a path yet: `at` picks one of the spec's nodes of the right shape. */
type Seed =
  | { op: 'replace'; at: number; value: Json }
  | { op: 'delete'; at: number }
  | { op: 'unknown'; at: number; key: string; value: Json }
  | { op: 'grow'; at: number; by: number };

const seed: fc.Arbitrary<Seed> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: badValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('unknown' as const), at: fc.nat(), key: fc.constantFrom('foo', 'Name', 'namespace', 'extra', 'realm_ref'), value: fc.constantFrom<Json>('x', 1, true, {}) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('grow' as const), at: fc.nat(), by: fc.constantFrom(1, 40, 70, 260) }) },
);

/** Every node of `value` with its path, the root (`[]`) first. */
export function nodes(value: Json, path: Path = []): { path: Path; value: Json }[] {
  const out = [{ path, value }];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...nodes(v, [...path, i])));
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) out.push(...nodes(v, [...path, k]));
  return out;
}

function resolve(spec: Json, s: Seed): Edit[] {
  const all = nodes(spec);
  const pickFrom = <T>(xs: T[]): T | undefined => (xs.length === 0 ? undefined : xs[s.at % xs.length]);
  switch (s.op) {
    case 'replace': {
      const target = pickFrom(all);
      return target ? [{ op: 'set', path: target.path, value: s.value }] : [];
    }
    case 'delete': {
      const target = pickFrom(all.filter((n) => n.path.length > 0));
      return target ? [del(target.path)] : [];
    }
    case 'unknown': {
      const target = pickFrom(all.filter((n) => isObject(n.value) && !(s.key in (n.value as object))));
      return target ? [{ op: 'set', path: [...target.path, s.key], value: s.value }] : [];
    }
    case 'grow': {
      const target = pickFrom(all.filter((n) => Array.isArray(n.value) && n.value.length > 0));
      if (!target) return [];
      const items = target.value as Json[];
      return [{ op: 'set', path: target.path, value: [...items, ...Array.from({ length: s.by }, () => items[items.length - 1])] }];
    }
  }
}

// ---- applying edits ----------------------------------------------------------------------------

/** `spec` with `edits` applied, leaving `spec` untouched; missing parents of a set are created. */
export function applyEdits(spec: Json, edits: readonly Edit[]): Json {
  let out = structuredClone(spec);
  for (const edit of edits) {
    if (edit.path.length === 0) {
      if (edit.op === 'set') out = structuredClone(edit.value);
      continue;
    }
    if (!isObject(out) && !Array.isArray(out)) out = {};
    let node = out as Record<string | number, Json>;
    for (const [i, key] of edit.path.slice(0, -1).entries()) {
      const next = node[key];
      if (!isObject(next) && !Array.isArray(next)) {
        if (edit.op === 'delete') { node = {}; break; }
        node[key] = typeof edit.path[i + 1] === 'number' ? [] : {};
      }
      node = node[key] as Record<string | number, Json>;
    }
    const last = edit.path[edit.path.length - 1] as string | number;
    if (edit.op === 'set') node[last] = structuredClone(edit.value);
    else if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
    else delete node[last];
  }
  return out;
}

/** `set spec.login.forgotPassword = true`, `delete spec.email`: an edit as the report shows it. */
export function describeEdit(edit: Edit): string {
  const where = formatPath('spec', edit.path);
  if (edit.op === 'delete') return `delete ${where}`;
  const value = showJson(edit.value);
  return `set ${where} = ${value.length > 80 ? `${value.slice(0, 77)}... (${value.length} chars)` : value}`;
}

/** JSON with invisible and space-like characters escaped (a no-break space reads as a space). */
export function showJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Specs of `kind`: about a fifth valid, two fifths with one or two generic edits (a node of
 * the spec replaced by a value of the wrong type or past a bound, a field deleted, an unknown
 * field added, a list grown past its limit), two fifths with a targeted edit of that kind
 * (forbidden combinations, bad patterns, values around each bound).
 */
export function specCase(kind: Kind): fc.Arbitrary<SpecCase> {
  const valid = VALID_SPECS[kind];
  const withEdits = (spec: Json, edits: Edit[]): SpecCase => ({ kind, spec: applyEdits(spec, edits), edits: edits.map(describeEdit) });
  return fc.oneof(
    { weight: 1, arbitrary: valid.map((spec) => withEdits(spec, [])) },
    {
      weight: 2,
      arbitrary: fc.tuple(valid, fc.array(seed, { minLength: 1, maxLength: 2 })).map(([spec, seeds]) => {
        // Each seed resolves against the spec as the previous edits left it.
        let current = spec;
        const edits: Edit[] = [];
        for (const s of seeds) {
          const resolved = resolve(current, s);
          current = applyEdits(current, resolved);
          edits.push(...resolved);
        }
        return withEdits(spec, edits);
      }),
    },
    { weight: 2, arbitrary: fc.tuple(valid, TARGETED[kind]).map(([spec, edits]) => withEdits(spec, edits)) },
  );
}
