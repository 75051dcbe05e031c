import type { CommandDeps } from '../command';

/** What subscription commands need: the write path and the codes of the plans there are (public.plans). */
export type SubscriptionDeps = CommandDeps & {
  planCodes(): Promise<string[]>;
};
