/*
 * What the AI description commands depend on; the composition root builds them. The provider is
 * null when no OPENAI_API_KEY is set: the built-in template writes the listing then, for free.
 */
import type { AiLanguage } from '../../domain/ai/listing';
import type { StoredObject } from '../../infra/storage';
import type { AiProvider } from '../../shared/ai-provider';
import type { AiCredits } from '../../shared/plan-limits';
import type { CommandDeps } from '../command';
import type { ProductCommandDeps } from '../products/deps';

export interface AiDescriptionDeps extends CommandDeps {
  /** Applying a listing is an ordinary product edit, through the same handler as PATCH. */
  products: ProductCommandDeps;
  provider: AiProvider | null;
  credits: AiCredits;
  /** A stored photo's bytes (null when the file is gone). */
  readImage(file: string): Promise<StoredObject | null>;
  /** Every brand name the tenant knows: the shared list and its own. */
  knownBrands(tenant: number): Promise<readonly string[]>;
  /** The language the account writes in, when a request names none. */
  accountLanguage(tenant: number): Promise<AiLanguage>;
  /** Milliseconds on a monotonic clock, for latencies. */
  elapsed?: () => number;
}

/** Credits one generation by a provider costs; the template costs none. */
export const CREDITS_PER_GENERATION = 1;

/** Photos sent to a vision model at most (the first ones, in display order). */
export const MAX_IMAGES = 4;
