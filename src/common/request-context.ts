import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is asking, for the audit trail: set once per request, read anywhere below the controller. */
export interface RequestContext {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
