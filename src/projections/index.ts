import type { Projection } from '../engine/projection';

/** Every read model of a tenant. Order matters only for readability of `stoflow replay`. */
export const allProjections: readonly Projection[] = [];
