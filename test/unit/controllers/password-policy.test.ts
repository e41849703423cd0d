import { parsePasswordPolicy, passwordPolicyMatches, renderPasswordPolicy } from '../../../src/controllers/realm/password-policy.js';

describe('password policy rendering', () => {
  it.each([
    [{}, ''],
    [{ length: 12 }, 'length(12)'],
    [{ length: 12, digits: 1, upperCase: 1, specialChars: 1, notUsername: true, passwordHistory: 3 },
      'length(12) and digits(1) and upperCase(1) and specialChars(1) and notUsername(undefined) and passwordHistory(3)'],
    [{ notUsername: false, notEmail: true }, 'notEmail(undefined)'],
    [{ regexPattern: '^[a-z]+(and)[0-9]$' }, 'regexPattern(^[a-z]+(and)[0-9]$)'],
    [{ hashAlgorithm: 'pbkdf2-sha512', hashIterations: 210000, forceExpiredPasswordChange: 90, maxLength: 64, lowerCase: 2 },
      'maxLength(64) and lowerCase(2) and forceExpiredPasswordChange(90) and hashIterations(210000) and hashAlgorithm(pbkdf2-sha512)'],
  ])('renders %j as %j', (policy, expected) => {
    expect(renderPasswordPolicy(policy)).toBe(expected);
  });

  it('parses what it renders', () => {
    const rendered = renderPasswordPolicy({ length: 8, regexPattern: 'a(b)c and d', notEmail: true });
    expect([...parsePasswordPolicy(rendered)]).toEqual([['length', '8'], ['notEmail', 'undefined'], ['regexPattern', 'a(b)c and d']]);
  });

  it('treats an equal policy in another order as a match (no write)', () => {
    expect(passwordPolicyMatches({ length: 12, digits: 1 }, 'digits(1) and length(12)')).toBe(true);
  });

  it.each([
    [{ length: 12 }, 'length(10)'],
    [{ length: 12 }, 'length(12) and digits(1)'],
    [{}, 'length(12)'],
    [{ length: 12 }, undefined],
  ])('sees %j differ from Keycloak %j', (desired, observed) => {
    expect(passwordPolicyMatches(desired, observed)).toBe(false);
  });

  it('treats an empty policy and no policy as equal', () => {
    expect(passwordPolicyMatches({}, undefined)).toBe(true);
    expect(passwordPolicyMatches({}, '')).toBe(true);
  });
});
