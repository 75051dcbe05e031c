/*
 * What product commands depend on, each handler picking the few it uses. The composition root
 * (src/app) builds them; nothing here imports a query or a projection.
 */
import type { ReferenceFacts } from '../../domain/product/decider';
import type { RecordedEvent } from '../../eventstore/types';
import type { ProductDto, ReferenceField } from '../../shared/product-fields';
import { NotFoundError } from '../../shared/errors';
import type { PlanLimits } from '../../shared/plan-limits';
import type { CommandDeps, CommandOutcome } from '../command';

export type ReferenceValues = Partial<Record<ReferenceField, string | null>>;

/** What the seller typed for each reference field, resolved: the codes to store and the facts to decide with. */
export interface ResolvedReferences {
  /** Each given value as its code (or as typed, when it matched nothing: the decider refuses it). */
  values: ReferenceValues;
  facts: ReferenceFacts;
}

/** Resolves reference values (codes or labels, any case) for one tenant (its own brands included). */
export type ResolveReferences = (tenant: number, values: ReferenceValues) => Promise<ResolvedReferences>;

/**
 * The product as the API shows it, folded from its stream by the read model's own code, and
 * `published` while it has a live listing (a fact of the listings, not of its own stream).
 */
export type RepresentProduct = (tenant: number, stream: readonly RecordedEvent[]) => Promise<ProductDto | null>;

export interface ProductCommandDeps extends CommandDeps {
  references: ResolveReferences;
  represent: RepresentProduct;
  /** The plan's product cap, checked before the work (and again in the append transaction on PostgreSQL). */
  limits: PlanLimits;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Anything but a uuid names no product: answered like an unknown id, before any work. */
export function productIdOf(id: string): string {
  if (!UUID.test(id)) throw new NotFoundError('Product not found', 'product_not_found');
  return id.toLowerCase();
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The one reply of every product command: the product as it is after the command. */
export async function productAfter(represent: RepresentProduct, tenant: number, outcome: CommandOutcome<unknown, unknown>): Promise<ProductDto> {
  const product = await represent(tenant, outcome.stream);
  if (!product) throw new NotFoundError('Product not found', 'product_not_found');
  return product;
}
