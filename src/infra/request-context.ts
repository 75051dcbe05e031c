import { AsyncLocalStorage } from 'node:async_hooks';

/** The request being served, for every log line written while serving it. */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** pino mixin: adds `request_id` to any line logged inside a request. */
export function requestIdMixin(): Record<string, unknown> {
  const context = requestContext.getStore();
  return context ? { request_id: context.requestId } : {};
}
