import { ConfigError, loadConfig } from '../../src/config';
import { aiJobDecider, type AiJob, type AiJobEvent, type AiOptions } from '../../src/domain/ai/generation';
import { estimatedCostUsd } from '../../src/domain/ai/cost';
import { languageOfTimeZone } from '../../src/infra/ai-context';

const now = new Date('2026-03-01T10:00:00Z');
const options: AiOptions = { language: 'fr', tone: 'neutral', length: 'standard', marketplace: null, use_images: false, apply: false };
const fold = (events: AiJobEvent[]) => events.reduce(aiJobDecider.evolve, aiJobDecider.initialState);

describe('AI configuration', () => {
  it('When nothing is set, then there is no provider (the template writes) and the documented defaults apply', () => {
    const config = loadConfig({});
    expect(config.OPENAI_API_KEY).toBeUndefined();
    expect(config.OPENAI_BASE_URL).toBeUndefined();
    expect(config).toMatchObject({ OPENAI_MODEL: 'gpt-4o-mini', OPENAI_TIMEOUT_MS: 30_000, AI_JOB_CONCURRENCY: 3 });
  });

  it('When the base URL or the timeout is wrong, then the variable is named', () => {
    expect(() => loadConfig({ OPENAI_BASE_URL: 'localhost:11434' })).toThrow(ConfigError);
    try {
      loadConfig({ OPENAI_BASE_URL: 'localhost:11434', OPENAI_TIMEOUT_MS: '5' });
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.variable)).toEqual(['OPENAI_BASE_URL', 'OPENAI_TIMEOUT_MS']);
    }
    expect(loadConfig({ OPENAI_BASE_URL: 'http://localhost:11434/v1', OPENAI_API_KEY: ' ollama ' })).toMatchObject({ OPENAI_BASE_URL: 'http://localhost:11434/v1', OPENAI_API_KEY: 'ollama' });
  });
});

describe('The account language and the cost estimate', () => {
  it.each([
    ['Europe/Paris', 'fr'],
    ['Europe/Berlin', 'de'],
    ['Europe/Madrid', 'es'],
    ['Europe/Rome', 'it'],
    ['Europe/Amsterdam', 'nl'],
    ['Europe/London', 'en'],
    ['America/Denver', 'en'],
    ['Asia/Tokyo', 'fr'],
  ])('When the time zone is %s, then the language is %s', (zone, language) => {
    expect(languageOfTimeZone(zone)).toBe(language);
  });

  it('When the model has a list price, then the cost follows the tokens; otherwise it is 0', () => {
    expect(estimatedCostUsd('gpt-4o-mini', { input_tokens: 1_000_000, output_tokens: 1_000_000 })).toBe(0.75);
    expect(estimatedCostUsd('gpt-4o-mini-2024-07-18', { input_tokens: 1000, output_tokens: 0 })).toBe(0.00015);
    expect(estimatedCostUsd('llama3.2-vision', { input_tokens: 1000, output_tokens: 1000 })).toBe(0);
  });
});

describe('The AI description job', () => {
  const requested: AiJobEvent = { type: 'AiDescriptionJobRequested', data: { job_id: 'j', product_ids: ['a', 'b'], options, requested_at: now.toISOString() } };
  const finished = (product_id: string, status: 'succeeded' | 'failed'): AiJobEvent => ({
    type: 'AiDescriptionJobItemFinished',
    data: { job_id: 'j', product_id, status, generation_id: null, error_code: null, error: null, finished_at: now.toISOString() },
  });
  const finish = (state: AiJob | null, product_id: string) => aiJobDecider.decide({ type: 'FinishAiDescriptionItem', product_id, status: 'succeeded', generation_id: 'g', error_code: null, error: null, now }, state);

  it('When an item is finished twice (a redelivered job), then the second time records nothing', () => {
    const state = fold([requested, finished('a', 'succeeded')]);
    expect(finish(state, 'a')).toEqual([]);
    expect(finish(state, 'b')).toHaveLength(1);
    expect(finish(state, 'not-in-the-job')).toEqual([]);
  });

  it('When every item is finished, then the job completes once with its counts; before that, not at all', () => {
    expect(aiJobDecider.decide({ type: 'CompleteAiDescriptionJob', now }, fold([requested, finished('a', 'succeeded')]))).toEqual([]);
    const done = fold([requested, finished('a', 'succeeded'), finished('b', 'failed')]);
    expect(aiJobDecider.decide({ type: 'CompleteAiDescriptionJob', now }, done)).toEqual([{ type: 'AiDescriptionJobCompleted', data: { job_id: 'j', succeeded: 1, failed: 1, completed_at: now.toISOString() } }]);
    const completed = fold([requested, finished('a', 'succeeded'), finished('b', 'failed'), { type: 'AiDescriptionJobCompleted', data: { job_id: 'j', succeeded: 1, failed: 1, completed_at: now.toISOString() } }]);
    expect(aiJobDecider.decide({ type: 'CompleteAiDescriptionJob', now }, completed)).toEqual([]);
  });

  it('When a job is requested again under the same id, then it is refused', () => {
    expect(() => aiJobDecider.decide({ type: 'RequestAiDescriptions', job_id: 'j', product_ids: ['a'], options, now }, fold([requested]))).toThrow('This job exists already');
  });
});
