import { z } from 'zod';
import { openAiProvider } from '../../src/infra/openai-provider';
import { AiProviderError } from '../../src/shared/ai-provider';
import { OPENAI_TEST_KEY, startOpenAiDouble, type OpenAiDouble } from '../doubles/openai';

const schema = z.object({ title: z.string(), description: z.string(), tags: z.array(z.string()), bullet_points: z.array(z.string()) });
const request = { system: 'Write a listing.', user: 'A black dress.', images: [], schema, schemaName: 'listing' };

describe('The OpenAI provider adapter, against the OpenAI-compatible double', () => {
  let double: OpenAiDouble;
  beforeAll(async () => {
    double = await startOpenAiDouble();
  });
  afterAll(async () => double.close());
  beforeEach(() => double.reset());
  const provider = (timeoutMs = 5000, key = OPENAI_TEST_KEY) => openAiProvider({ apiKey: key, baseUrl: double.baseUrl, model: 'gpt-4o-mini', timeoutMs });

  it('When it asks, then it sends the model, a json_schema response format and the photos as image parts, and returns the content with its usage', async () => {
    const reply = await provider().complete({ ...request, images: [{ contentType: 'image/png', bytes: Buffer.from('png-bytes') }] });
    expect(JSON.parse(reply.content)).toMatchObject({ title: 'Robe noire Zara, taille M' });
    expect(reply.usage.input_tokens).toBeGreaterThan(0);
    expect(reply.usage.output_tokens).toBeGreaterThan(0);
    expect(reply.attempts).toBe(1);
    const sent = double.requests[0]!;
    expect(sent.body.model).toBe('gpt-4o-mini');
    expect(sent.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'listing', strict: true } });
    expect(sent.body.response_format!.json_schema!.schema).toMatchObject({ type: 'object', required: ['title', 'description', 'tags', 'bullet_points'] });
    expect(sent.images).toEqual([{ url: `data:image/png;base64,${Buffer.from('png-bytes').toString('base64')}`, detail: 'low' }]);
    expect(sent.body.messages[0]).toEqual({ role: 'system', content: 'Write a listing.' });
  });

  it('When the provider answers 429 with retry-after, then the adapter waits that long and tries again', async () => {
    double.script({ kind: 'status', status: 429, retryAfter: '1' });
    const reply = await provider().complete(request);
    expect(reply.attempts).toBe(2);
    expect(double.requests[1]!.at - double.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('When the retry-after is beyond the time budget, then it fails at once as rate_limited, saying when to retry', async () => {
    double.script({ kind: 'status', status: 429, retryAfter: '30' });
    const err = await provider(2000).complete(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AiProviderError);
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 30, attempts: 1 });
  });

  it('When the provider answers 500 and then succeeds, then the answer comes from the second attempt', async () => {
    double.script({ kind: 'status', status: 500 });
    expect((await provider().complete(request)).attempts).toBe(2);
  });

  it('When the provider keeps answering 503, then it fails as unavailable within the budget', async () => {
    double.script(...Array.from({ length: 20 }, () => ({ kind: 'status' as const, status: 503 })));
    const started = Date.now();
    const err = await provider(1500).complete(request).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect((err as AiProviderError).attempts).toBeGreaterThan(1);
  });

  it('When the provider is slower than the budget, then it fails as a timeout', async () => {
    double.script({ kind: 'slow', delayMs: 3000 });
    const started = Date.now();
    const err = await provider(500).complete(request).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('When the key is wrong, then it fails as rejected without retrying', async () => {
    const err = await provider(5000, 'sk-wrong').complete(request).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'rejected', attempts: 1 });
  });

  it('When the model writes something that is not JSON, then the content is handed back as written', async () => {
    double.script({ kind: 'content', content: 'Sure! Here is your listing: a nice dress' });
    expect((await provider().complete(request)).content).toBe('Sure! Here is your listing: a nice dress');
  });
});
