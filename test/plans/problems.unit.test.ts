import express from 'express';
import request from 'supertest';
import { createLogger } from '../../src/infra/logger';
import { problemHandler } from '../../src/http/problem';
import { CreditsExhaustedError, PlanLimitError } from '../../src/shared/errors';

function appThrowing(err: Error) {
  const app = express();
  app.get('/x', () => {
    throw err;
  });
  app.use(problemHandler(createLogger({ level: 'silent' })));
  return app;
}

describe('Plan problems', () => {
  it('When the AI credits are spent, then the answer is a 402 problem naming the limit, what is left and when they reset', async () => {
    const res = await request(appThrowing(new CreditsExhaustedError('spent', { limit: 'ai_credits_per_month', plan: 'free', allowed: 10, used: 10, left: 0, requested: 1, resets_at: '2026-04-01T00:00:00.000Z', upgrade_to: 'starter' }))).get('/x');
    expect(res.status).toBe(402);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toMatchObject({ status: 402, title: 'Payment Required', code: 'ai_credits_exhausted', limit: 'ai_credits_per_month', left: 0, resets_at: '2026-04-01T00:00:00.000Z', upgrade_to: 'starter' });
  });

  it('When a cap is reached, then the answer is a 403 problem naming the field', async () => {
    const res = await request(appThrowing(new PlanLimitError('full', 'products', { limit: 'max_products', plan: 'free', allowed: 30, usage: 30, requested: 1, upgrade_to: 'starter' }))).get('/x');
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toMatchObject({ code: 'plan_limit_reached', errors: [{ field: 'products', message: 'full' }], usage: 30 });
  });
});
