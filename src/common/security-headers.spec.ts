import { securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it('without HTTPS_ONLY: helmet headers, a CSP for the Swagger UI, no HSTS and no upgrade-insecure-requests', () => {
    const headers = securityHeaders({ httpsOnly: false, scope: 'docs' });
    expect(headers['content-security-policy']).toBe(
      "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data: validator.swagger.io;object-src 'none';script-src 'self' 'unsafe-inline';script-src-attr 'none';style-src 'self' 'unsafe-inline'",
    );
    expect(headers['strict-transport-security']).toBeUndefined();
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
    });
  });

  it('everywhere but /docs: no inline script or style at all (the pages and the console have none)', () => {
    const csp = securityHeaders({ httpsOnly: false, scope: 'app' })['content-security-policy'];
    expect(csp).not.toContain('unsafe-inline');
    expect(csp.split(';')).toEqual(expect.arrayContaining(["script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"]));
    expect(csp.split(';')).not.toContain('upgrade-insecure-requests');
  });

  it('with HTTPS_ONLY: HSTS for a year and upgrade-insecure-requests, on both policies', () => {
    for (const scope of ['app', 'docs'] as const) {
      const headers = securityHeaders({ httpsOnly: true, scope });
      expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(headers['content-security-policy'].split(';')).toContain('upgrade-insecure-requests');
    }
  });
});
