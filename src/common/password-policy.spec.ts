import { passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it.each(['Passw0rd', 'Ünïcödé-Passw0rd', `Aa1${'x'.repeat(125)}`, ' Spaces 1n Passw0rd '])('accepts %j', (p) => {
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
