import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is asking, for the audit trail: set once per request, read anywhere below the controller. */
export interface RequestContext {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The client of the current request (its address as Fastify reads it, TRUST_PROXY applied, and its user agent). */
export function currentClient(): { ip: string; userAgent: string | null } {
  const ctx = requestContext.getStore();
  return { ip: ctx?.ip ?? 'unknown', userAgent: ctx?.userAgent ?? null };
}
