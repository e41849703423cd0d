import { CorrectionLedger } from '../../../src/controllers/drift/corrections.js';

/** A ledger on a clock the test moves. */
function ledgerAt(startMs: number) {
  let now = startMs;
  return { ledger: new CorrectionLedger(() => now), advance: (ms: number) => { now += ms; } };
}

const REALM = ['DashRealm', 'ns/dash'] as const;
const SWITCH = ['realm settings: registrationAllowed'];

describe('CorrectionLedger', () => {
  it('a pass the event woke reports its own writes', () => {
    const { ledger } = ledgerAt(10_000);
    ledger.noteOutsideChange(...REALM, 9_000);
    expect(ledger.settle(...REALM, SWITCH, true)).toEqual(SWITCH);
  });

  it('a pass that wrote after the change, before the event was read, is the correction the woken pass reports', () => {
    const { ledger, advance } = ledgerAt(10_000);
    expect(ledger.settle(...REALM, SWITCH, false)).toEqual([]);
    advance(2_000);
    ledger.noteOutsideChange(...REALM, 9_500);
    expect(ledger.settle(...REALM, [], true)).toEqual(SWITCH);
    // Reported once: the next woken pass with nothing to write has nothing to report.
    ledger.noteOutsideChange(...REALM, 9_500);
    expect(ledger.settle(...REALM, [], true)).toEqual([]);
  });

  it('a pass that wrote before the change corrected nothing', () => {
    const { ledger, advance } = ledgerAt(10_000);
    ledger.settle(...REALM, SWITCH, false);
    advance(2_000);
    ledger.noteOutsideChange(...REALM, 11_000);
    expect(ledger.settle(...REALM, [], true)).toEqual([]);
  });

  it('another object\'s writes are not this one\'s correction, and nothing is reported without an outside change', () => {
    const { ledger } = ledgerAt(10_000);
    ledger.settle('DashUser', 'ns/alice', ['user fields: firstName'], false);
    ledger.noteOutsideChange(...REALM, 9_000);
    expect(ledger.settle(...REALM, [], true)).toEqual([]);
    expect(ledger.settle('DashUser', 'ns/alice', [], true)).toEqual([]);
  });

  it('forgets a writing pass after five minutes', () => {
    const { ledger, advance } = ledgerAt(10_000);
    ledger.settle(...REALM, SWITCH, false);
    advance(5 * 60_000 + 1);
    ledger.noteOutsideChange(...REALM, 9_000);
    expect(ledger.settle(...REALM, [], true)).toEqual([]);
  });
});
