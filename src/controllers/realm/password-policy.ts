/**
 * Structured password policy as DashRealm.spec.passwordPolicy carries it. Numbers are
 * Keycloak's policy arguments; `true` switches an argument-less policy on.
 */
export interface PasswordPolicyFields {
  length?: number;
  maxLength?: number;
  digits?: number;
  lowerCase?: number;
  upperCase?: number;
  specialChars?: number;
  notUsername?: boolean;
  notEmail?: boolean;
  passwordHistory?: number;
  forceExpiredPasswordChange?: number;
  regexPattern?: string;
  hashIterations?: number;
  hashAlgorithm?: string;
}

// Keycloak's provider ids, in the order we render them (a canonical order keeps the
// rendered string stable; comparison with Keycloak's string ignores order anyway).
const POLICY_ORDER = [
  'length', 'maxLength', 'digits', 'lowerCase', 'upperCase', 'specialChars', 'notUsername',
  'notEmail', 'passwordHistory', 'forceExpiredPasswordChange', 'regexPattern', 'hashIterations',
  'hashAlgorithm',
] as const satisfies readonly (keyof PasswordPolicyFields)[];

/**
 * Renders the structured policy to Keycloak's single string, e.g.
 * `length(12) and digits(1) and notUsername(undefined)`; `{}` renders to `""` (no policy).
 */
export function renderPasswordPolicy(policy: PasswordPolicyFields): string {
  const parts: string[] = [];
  for (const id of POLICY_ORDER) {
    const value = policy[id];
    if (value === undefined || value === false) continue;
    // Keycloak writes argument-less policies with the literal argument "undefined".
    parts.push(`${id}(${value === true ? 'undefined' : String(value)})`);
  }
  return parts.join(' and ');
}

/** Parses Keycloak's policy string into provider id -> argument; tolerant of spacing. */
export function parsePasswordPolicy(policy: string | undefined): Map<string, string> {
  const parsed = new Map<string, string>();
  if (!policy) return parsed;
  // Split on " and " only between policies: a regexPattern argument may contain anything,
  // so match `id(arg)` greedily up to the closing paren that precedes " and " or the end.
  const re = /\s*([A-Za-z][\w-]*)\((.*?)\)\s*(?:and(?=\s+[A-Za-z][\w-]*\()|$)/gy;
  let match: RegExpExecArray | null;
  while ((match = re.exec(policy)) !== null) {
    if (match[0] === '') break;
    parsed.set(match[1] ?? '', match[2] ?? '');
  }
  return parsed;
}

/** True when Keycloak's current policy string means the same as the desired structured policy. */
export function passwordPolicyMatches(desired: PasswordPolicyFields, observed: string | undefined): boolean {
  return samePasswordPolicy(renderPasswordPolicy(desired), observed);
}

/** True when two policy strings hold the same policies with the same arguments, in any order. */
export function samePasswordPolicy(a: string | undefined, b: string | undefined): boolean {
  const want = parsePasswordPolicy(a);
  const have = parsePasswordPolicy(b);
  if (want.size !== have.size) return false;
  for (const [id, arg] of want) if (have.get(id) !== arg) return false;
  return true;
}
