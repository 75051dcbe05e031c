import type { Reactor } from '../engine/reactor';
import type { Pool } from '../infra/db/postgres';
import type { Clock, IdGenerator } from '../infra/clock';
import { stockDepletedReactor } from './stock-depleted';

export interface ReactorDeps {
  pool: Pool;
  clock: Clock;
  ids: IdGenerator;
}

/** Every reactor, built with the effects it needs. */
export function buildReactors(deps: ReactorDeps): Reactor[] {
  return [stockDepletedReactor(deps)];
}
