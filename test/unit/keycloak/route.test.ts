import { requestRoute } from '../../../src/keycloak/route.js';

describe('requestRoute', () => {
  it('keeps the admin API\'s words and turns realm names, ids and role names into *', () => {
    expect(requestRoute('/admin/realms/dash/users/0b1c2d3e-aaaa-4bbb-8ccc-123456789abc/role-mappings/clients/5f6e?first=0'))
      .toBe('/admin/realms/*/users/*/role-mappings/clients/*');
    expect(requestRoute('/admin/realms/dash/clients/5f6e/roles/licensed_user/users?first=0&max=100')).toBe('/admin/realms/*/clients/*/roles/*/users');
    expect(requestRoute('/realms/master/protocol/openid-connect/token')).toBe('/realms/*/protocol/openid-connect/token');
  });

  it('bounds the routes a hostile realm or group name could make: every unknown segment is *', () => {
    expect(requestRoute('/admin/realms/a%2Fb/group-by-path/Eng/Ops/x')).toBe('/admin/realms/*/group-by-path/*/*/*');
  });
});
