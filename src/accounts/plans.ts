/** What a new tenant starts with; paid plans raise these. */
export const FREE_PLAN = {
  plan: 'free',
  limits: {
    max_products: 100,
    max_marketplaces: 3,
    ai_descriptions_per_month: 30,
  },
} as const;
