/** "ST": keeps Stoflow's schema-changing locks (migrations, grants, seeding) apart from other advisory locks. */
export const LOCK_NAMESPACE = 0x5354;
