import { commonPasswordCount, PASSWORD_TOO_COMMON, passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it.each(['Tulip-Garden7', 'Ünïcödé-Passw0rd', `Aa1${'x'.repeat(125)}`, ' Spaces 1n Passw0rd '])('accepts %j', (p) => {
    expect(passwordProblem(p)).toBeNull();
  });
  it.each([
    ['too short', 'Pa55wor'],
    ['too long', `Aa1${'x'.repeat(126)}`],
    ['no upper-case', 'passw0rd'],
    ['no lower-case', 'PASSW0RD'],
    ['no digit', 'Password'],
    ['not a string', 12345678],
  ])('refuses a password that is %s', (_why, p) => {
    expect(passwordProblem(p)).not.toBeNull();
  });
});

describe('common passwords', () => {
  it('ships at least 10,000 of them', () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(10_000);
  });
  it.each(['Password1', 'Qwerty123', 'pASSWORD1', 'Passw0rd'])('refuses %j, whatever its letter case', (p) => {
    expect(passwordProblem(p)).toBe(PASSWORD_TOO_COMMON);
  });
});
