import { SECRET_MASK, assertWritableSmtp, isSecretMask, smtpFromKeycloak } from '../../../src/keycloak/smtp.js';

const operation = 'update realm "dash" (smtpServer)';
const full = { host: 'smtp.example.com', port: '587', from: 'dash@example.com', auth: 'true', user: 'dash', password: 's3cret', ssl: 'false', starttls: 'true' };

describe('SMTP settings read from Keycloak', () => {
  it('never expose the masked password, only that one is set', () => {
    const read = smtpFromKeycloak({ ...full, password: SECRET_MASK });
    expect(read.passwordSet).toBe(true);
    expect(read.settings).not.toHaveProperty('password');
    expect(Object.values(read.settings)).not.toContain(SECRET_MASK);
    expect(read.settings).toEqual({ host: 'smtp.example.com', port: '587', from: 'dash@example.com', auth: 'true', user: 'dash', ssl: 'false', starttls: 'true' });
  });

  it('report no password when Keycloak holds none, and an empty map for no settings', () => {
    const { password: _password, ...withoutPassword } = full;
    expect(smtpFromKeycloak(withoutPassword).passwordSet).toBe(false);
    expect(smtpFromKeycloak({ ...withoutPassword, password: '' }).passwordSet).toBe(false);
    expect(smtpFromKeycloak(undefined)).toEqual({ settings: {}, passwordSet: false });
    expect(smtpFromKeycloak({})).toEqual({ settings: {}, passwordSet: false });
  });

  it('recognise the mask', () => {
    expect(isSecretMask('**********')).toBe(true);
    expect(isSecretMask('*********')).toBe(false);
    expect(isSecretMask(undefined)).toBe(false);
  });
});

describe('SMTP settings written to Keycloak', () => {
  it('accept the full map with the real password, and a map without auth', () => {
    expect(() => assertWritableSmtp(operation, full)).not.toThrow();
    expect(() => assertWritableSmtp(operation, { host: 'smtp.example.com', from: 'dash@example.com', auth: 'false' })).not.toThrow();
  });

  it('refuse to echo the mask back as a password', () => {
    expect(() => assertWritableSmtp(operation, { ...full, password: SECRET_MASK })).toThrow(
      expect.objectContaining({ kind: 'Invalid', message: `${operation}: smtpServer.password is the mask Keycloak shows on reads, not a password` }),
    );
  });

  it('refuse auth without a password, which would delete the stored one', () => {
    const { password: _password, ...withoutPassword } = full;
    expect(() => assertWritableSmtp(operation, withoutPassword)).toThrow(expect.objectContaining({ kind: 'Invalid' }));
  });
});
