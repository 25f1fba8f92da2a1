import helmet from 'helmet';

export interface SecurityHeaderOptions {
  /** HTTPS_ONLY: the deployment is reached only over HTTPS. */
  httpsOnly: boolean;
  /**
   * `app`: everything but the Swagger UI; the hosted pages and the console run only this origin's
   * own scripts and styles (no inline code). `docs`: the Swagger UI at /docs, whose page needs inline
   * styles and scripts.
   */
  scope: 'app' | 'docs';
}

/**
 * The security headers every response carries, computed once at start from helmet's own rules. With
 * our options helmet's headers never depend on the request (no nonces), yet @fastify/helmet would build
 * them again, CSP parsing included, on every request: here they are set as constants by one hook.
 *
 * The CSP admits only this origin's own code, except on /docs (`scope: 'docs'`), where the Swagger UI
 * needs inline styles and scripts. HSTS and the CSP's
 * `upgrade-insecure-requests` are sent only when the deployment says it is served over HTTPS: over plain
 * HTTP (`http://<server-name>:3000/docs`) they would make the browser fetch /docs's assets over an
 * HTTPS that is not there.
 */
export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const collect = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader() {
      // X-Powered-By: Fastify never sends one
    },
  };
  let failure: Error | undefined;
  helmet({
    contentSecurityPolicy: {
      directives: {
        ...(options.scope === 'docs'
          ? {
              defaultSrc: [`'self'`],
              styleSrc: [`'self'`, `'unsafe-inline'`],
              imgSrc: [`'self'`, 'data:', 'validator.swagger.io'],
              scriptSrc: [`'self'`, `'unsafe-inline'`],
            }
          : {
              defaultSrc: [`'self'`],
              scriptSrc: [`'self'`],
              styleSrc: [`'self'`],
              imgSrc: [`'self'`, 'data:'],
              connectSrc: [`'self'`],
              formAction: [`'self'`],
              frameAncestors: [`'none'`],
            }),
        upgradeInsecureRequests: options.httpsOnly ? [] : null,
      },
    },
    strictTransportSecurity: options.httpsOnly ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  })(
    {} as never,
    collect as never,
    (error?: unknown) =>
      (failure = error === undefined ? undefined : error instanceof Error ? error : new Error('helmet refused the options')),
  );
  if (failure) throw failure;
  return headers;
}
