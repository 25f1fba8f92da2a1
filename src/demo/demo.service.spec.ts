import fc from 'fast-check';
import { isEmail } from 'class-validator';
import { accountRoleOf, demoAccountEmail } from './demo.service';

/** The demo account's identity is derived from `user_id`, which may be any non-empty string. */
describe('demoAccountEmail', () => {
  // lone surrogates too ('binary' units), and long strings
  const anyUserId = fc.oneof(fc.string({ unit: 'binary', minLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 500 }));

  it('is always a short, valid, lower-case address on the reserved demo domain, whatever the user_id', () => {
    fc.assert(
      fc.property(anyUserId, fc.constantFrom('doctor' as const, 'admin' as const), (userId, role) => {
        const email = demoAccountEmail(role, userId);
        expect(email).toMatch(new RegExp(`^demo-${role}-[0-9a-f]{40}@demo\\.medisync\\.invalid$`));
        expect(email).toBe(email.toLowerCase());
        expect(email.split('@')[0].length).toBeLessThanOrEqual(64);
        expect(isEmail(email)).toBe(true);
      }),
    );
    expect(demoAccountEmail('doctor', 'x'.repeat(100_000))).toMatch(/^demo-doctor-[0-9a-f]{40}@/);
  });

  it('is the same for the same user_id and role, and differs for any other user_id (letter case and lone surrogates included) or role', () => {
    fc.assert(
      fc.property(anyUserId, anyUserId, (a, b) => {
        expect(demoAccountEmail('doctor', a)).toBe(demoAccountEmail('doctor', a));
        expect(demoAccountEmail('doctor', a) === demoAccountEmail('doctor', b)).toBe(a === b);
        expect(demoAccountEmail('doctor', a)).not.toBe(demoAccountEmail('admin', a));
      }),
    );
    const pairs: Array<[string, string]> = [
      ['dr_sharma', 'DR_SHARMA'],
      ['dr_sharma', ' dr_sharma'],
      ['\ud800', '\udfff'],
      ['\ud800', '\ufffd'],
      ['e\u0301', '\u00e9'], // kept exactly as sent: no Unicode normalisation
    ];
    for (const [a, b] of pairs) expect(demoAccountEmail('doctor', a)).not.toBe(demoAccountEmail('doctor', b));
  });

  it('clinician is the doctor role; doctor and admin stay themselves', () => {
    expect([accountRoleOf('clinician'), accountRoleOf('doctor'), accountRoleOf('admin')]).toEqual(['doctor', 'doctor', 'admin']);
  });
});
