/*
 * A generation's estimated cost, from its tokens and the model's list price (US dollars per
 * million tokens). A model not listed here (a local server's, a new one) is estimated at 0: the
 * log still has its tokens.
 */
const PRICES: Record<string, { input: number; output: number }> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
};

export function estimatedCostUsd(model: string, usage: { input_tokens: number; output_tokens: number }): number {
  const price = PRICES[model] ?? PRICES[model.replace(/-\d{4}-\d{2}-\d{2}$/, '')];
  if (!price) return 0;
  return Math.round(((usage.input_tokens * price.input + usage.output_tokens * price.output) / 1_000_000) * 1e6) / 1e6;
}
