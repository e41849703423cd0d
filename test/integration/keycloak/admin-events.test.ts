import { rawAdmin, withRealm } from './helpers.js';

type EventsConfig = { eventsEnabled: boolean; eventsListeners: string[]; enabledEventTypes: string[]; adminEventsEnabled: boolean; adminEventsDetailsEnabled: boolean };

// The admin event operations drift detection uses, against the real Keycloak; state read back with raw REST.
describe('admin events through the Keycloak port', () => {
  const { kc, realm } = withRealm('kc-events');

  it('reads the server version', async () => {
    expect(await kc.serverVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('turns admin events on keeping the rest of the events config, and sets the retention only when asked', async () => {
    const config = `/${realm}/events/config`;
    const before = (await rawAdmin<EventsConfig>('GET', config)).data;
    await rawAdmin('PUT', config, { ...before, eventsEnabled: true, enabledEventTypes: ['LOGIN', 'LOGOUT'], adminEventsDetailsEnabled: true });
    await kc.enableAdminEvents(realm);
    const after = (await rawAdmin<EventsConfig>('GET', config)).data;
    // Keycloak keeps the event types as a set: their order is its own.
    expect({ ...after, enabledEventTypes: [...after.enabledEventTypes].sort() })
      .toEqual({ ...before, eventsEnabled: true, enabledEventTypes: ['LOGIN', 'LOGOUT'], adminEventsDetailsEnabled: true, adminEventsEnabled: true });
    expect((await rawAdmin<{ attributes: Record<string, string> }>('GET', `/${realm}`)).data.attributes.adminEventsExpiration).toBeUndefined();
    await kc.enableAdminEvents(realm, 86_400);
    expect((await rawAdmin<{ attributes: Record<string, string> }>('GET', `/${realm}`)).data.attributes.adminEventsExpiration).toBe('86400');
  });

  it('reads events from an epoch-millisecond time, oldest first, carrying who made them', async () => {
    const since = Date.now();
    await kc.updateRealm(realm, { rememberMe: true });
    await kc.updateRealm(realm, { rememberMe: false });
    const events = await kc.readAdminEvents(realm, since, 10);
    expect(events.map((e) => [e.operationType, e.resourceType, e.resourcePath])).toEqual([['UPDATE', 'REALM', ''], ['UPDATE', 'REALM', '']]);
    expect(events[0]!.timeMs).toBeLessThanOrEqual(events[1]!.timeMs);
    expect(new Set(events.map((e) => e.authUserId))).toEqual(new Set([await kc.actingUserId()]));
    expect(events.every((e) => e.id !== '')).toBe(true);
    // At most `max` per read; the next read starts at the last one's time.
    expect(await kc.readAdminEvents(realm, since, 1)).toEqual([events[0]]);
  });
});
