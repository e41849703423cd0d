import { describe, expect, it } from '@jest/globals';
import { insecureUrlReason, isLoopbackHost, urlAllowed } from '../../../src/keycloak/url-policy.js';

describe('urlAllowed', () => {
  const prefixes = ['https://kc.example.com', 'https://shared.example.com/tenants/a/', 'http://127.0.0.1:8080'];

  it.each([
    ['https://kc.example.com', true],
    ['https://kc.example.com/', true],
    ['https://KC.Example.COM/auth', true],
    ['https://kc.example.com:443/auth', true],
    ['https://shared.example.com/tenants/a', true],
    ['https://shared.example.com/tenants/a/kc', true],
    ['http://127.0.0.1:8080/', true],
  ])('allows %s', (url, allowed) => {
    expect(urlAllowed(url, prefixes)).toBe(allowed);
  });

  it.each([
    ['https://kc.example.com.evil.io', 'a longer host'],
    ['https://kc.example.com:8443', 'another port'],
    ['http://kc.example.com', 'another scheme'],
    ['https://evil.io/https://kc.example.com', 'the prefix inside the path'],
    ['https://kc.example.com@evil.io', 'user info before another host'],
    ['https://user:pw@kc.example.com', 'user info on the allowed host'],
    ['https://shared.example.com/tenants/a-evil', 'a path that continues the prefix without a /'],
    ['https://shared.example.com/tenants/a/../b', 'a dot segment out of the prefix'],
    ['https://shared.example.com/tenants/a/%2e%2e/b', 'an encoded dot segment out of the prefix'],
    ['https://shared.example.com/tenants', 'a parent of the prefix'],
    ['http://127.0.0.1:8081', 'another loopback port'],
    ['not a url', 'text'],
    ['ftp://kc.example.com', 'another protocol'],
  ])('refuses %s (%s)', (url) => {
    expect(urlAllowed(url, prefixes)).toBe(false);
  });

  it('allows nothing with an empty list', () => {
    expect(urlAllowed('https://kc.example.com', [])).toBe(false);
  });
});

describe('insecureUrlReason', () => {
  it.each(['https://kc.example.com', 'http://127.0.0.1:8080', 'http://127.9.9.9', 'http://localhost:8080/kc', 'http://[::1]:8080', 'http://127.1'])('accepts %s', (url) => {
    expect(insecureUrlReason(url)).toBeUndefined();
  });

  it.each([
    ['http://kc.example.com', /must use https/],
    ['http://10.0.0.1', /must use https/],
    ['http://128.0.0.1', /must use https/],
    ['http://localhost.evil.io', /must use https/],
    ['https://u:p@kc.example.com', /user name or password/],
    ['https://kc.example.com/?a=b', /query or fragment/],
    ['https://kc.example.com/#x', /query or fragment/],
    ['kc.example.com', /must be an http\(s\) URL/],
  ])('refuses %s', (url, reason) => {
    expect(insecureUrlReason(url)).toMatch(reason);
  });
});

describe('isLoopbackHost', () => {
  it('knows 127.0.0.0/8, ::1 and localhost, nothing else', () => {
    expect(['127.0.0.1', '127.255.0.1', '[::1]', 'LOCALHOST'].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(['10.0.0.1', '127.example.com', '[::2]', 'localhost.example.com'].map(isLoopbackHost)).toEqual([false, false, false, false]);
  });
});
