/* What the account routes depend on; the composition root passes its container, which has all of it. */
import type { Knex } from 'knex';
import type { Config } from '../config';
import type { LimiterFactory, Throttles } from '../http/rate-limit';
import type { Clock, IdGenerator } from '../infra/clock';
import type { Connections } from '../infra/db/postgres';
import type { Tenancy } from '../infra/db/tenancy';
import type { Logger } from '../infra/logger';
import type { SubscriptionSummary } from './me';
import type { PasswordHashing } from './passwords';

export interface AccountDeps {
  config: Config;
  logger: Logger;
  /** Accounts live in shared tables: any connection. */
  pool: Connections;
  knex: Knex;
  /** Registration creates the tenant's schema. */
  tenancy: Tenancy;
  clock: Clock;
  ids: IdGenerator;
  jwtSecret: string;
  /** Server-side secret mixed into every password before bcrypt (see passwords.ts). */
  passwordPepper: string;
  limiter: LimiterFactory;
  /** Counters and growing waits that are not plain middlewares (the login policy). */
  throttles: Throttles;
  /** Every bcrypt hash and compare of the process, through one bounded gate. */
  passwordHashing: PasswordHashing;
  /** The tenant's plan in force, for me. */
  subscriptionSummary: SubscriptionSummary;
}
