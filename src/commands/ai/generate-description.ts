/*
 * GenerateAiDescription: a listing (title, description, tags, bullet points) written from the
 * product's facts — and its photos, for a vision model — in the seller's language, within the
 * marketplace's limits, naming no brand but the product's. A provider's generation takes a
 * credit first and gives it back if anything fails; the template's is free. Every generation,
 * failed or not, is recorded in a stream of its own. With `apply`, the title and description are
 * written to the product by the ordinary edit (events marked source "ai" with the generation id),
 * at the version the listing was written from, or the one If-Match names: 412 when it moved.
 * Nothing is applied unless the whole generation succeeded.
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { foreignBrands } from '../../domain/ai/brands';
import { estimatedCostUsd } from '../../domain/ai/cost';
import { aiGenerationDecider, aiGenerationStream, type AiDescriptionGenerated, type AiGenerationEvent, type AiOptions, type AiUsage } from '../../domain/ai/generation';
import { enforceLimits } from '../../domain/ai/limits';
import { AI_LANGUAGES, AI_LENGTHS, AI_MARKETPLACES, AI_TONES, type AiLanguage, type GeneratedListing, type ListingFacts } from '../../domain/ai/listing';
import { TEMPLATE_MODEL, templateLanguage, templateListing } from '../../domain/ai/template';
import { editable, productDecider, productStream, type ProductEvent, type ProductState } from '../../domain/product/decider';
import { AiProviderError, type AiImage } from '../../shared/ai-provider';
import { AppError, ConcurrencyError, GatewayTimeoutError, NotFoundError, UnavailableError, UpstreamError } from '../../shared/errors';
import { etagOf } from '../../shared/product-fields';
import { withStorableText } from '../../shared/text';
import { deterministicUuid, runCommand, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';
import { editProduct } from '../products/edit-product';
import { productIdOf } from '../products/deps';
import { productIdParams } from '../products/params';
import { CREDITS_PER_GENERATION, MAX_IMAGES, type AiDescriptionDeps } from './deps';
import { listingFacts, type ExtraFacts } from './facts';
import { aiListingSchema, systemPrompt, userPrompt } from './prompt';

/** The options of one generation, shared by the single and the bulk requests. */
export const aiOptionsShape = {
  language: z.enum(AI_LANGUAGES).optional().describe('Default: the account’s language (from its time zone; French when it says none of these)'),
  tone: z.enum(AI_TONES).default('neutral'),
  length: z.enum(AI_LENGTHS).default('standard'),
  marketplace: z.enum(AI_MARKETPLACES).optional().describe('Enforce this marketplace’s limits: eBay title ≤ 80; Etsy title ≤ 140, ≤ 13 tags of ≤ 20; Vinted description ≤ 2,000'),
  use_images: z.boolean().default(false).describe('Send the product’s first photos to the model (vision); ignored by the template'),
  apply: z.boolean().default(false).describe('Write the title and description to the product (an ordinary edit; If-Match honoured)'),
  materials: z.array(z.string().trim().min(1).max(60)).max(5).optional().describe('Facts the product does not record, to be written in'),
  measurements: z.array(z.string().trim().min(1).max(80)).max(10).optional(),
  defects: z.array(z.string().trim().min(1).max(200)).max(10).optional(),
};

export const aiDescriptionBody = z.object(aiOptionsShape).strict();
export type AiDescriptionInput = z.infer<typeof aiDescriptionBody>;

export const aiDescriptionSchema = z.object({
  title: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  bullet_points: z.array(z.string()).optional(),
  language: z.enum(AI_LANGUAGES).describe('The language written: the template writes English where it lacks a category’s words in de, es, it or nl'),
  provider: z.string().describe('openai, or template when no provider is configured'),
  model: z.string(),
  usage: z.object({ input_tokens: z.number().int(), output_tokens: z.number().int() }),
  credits_charged: z.number().int(),
  generation_id: z.uuid(),
  product_id: z.uuid(),
  product_version: z.number().int().describe('The version written from; after applying, the product’s new version'),
  applied: z.boolean(),
});
export type AiDescriptionDto = z.infer<typeof aiDescriptionSchema>;

interface Written {
  listing: GeneratedListing;
  usage: AiUsage;
  attempts: number;
}

/** A provider's failure as the API answers it: 504 for time, 503 for unavailable or rate limited, 502 otherwise. */
function problemOf(err: AiProviderError): AppError {
  switch (err.kind) {
    case 'timeout':
      return new GatewayTimeoutError(`${err.message}; nothing was changed and no credit was charged`, 'ai_timeout');
    case 'rate_limited':
      return new UnavailableError(`The AI provider is rate limiting requests; nothing was changed and no credit was charged`, 'ai_rate_limited', err.retryAfterSeconds);
    case 'unavailable':
      return new UnavailableError(`${err.message}; nothing was changed and no credit was charged`, 'ai_unavailable', 5);
    default:
      return new UpstreamError(`${err.message}; nothing was changed and no credit was charged`, 'ai_provider_error');
  }
}

class InvalidOutput extends Error {}

/** The model's answer, checked: JSON of the schema, within the limits, naming no other brand. */
function checkOutput(content: string, facts: ListingFacts, marketplace: AiOptions['marketplace'], brands: readonly string[]): GeneratedListing {
  let parsed: unknown;
  try {
    // A model may answer text PostgreSQL cannot store (a NUL, half a surrogate pair): cleaned, as marketplace answers are.
    parsed = JSON.parse(content, withStorableText);
  } catch {
    throw new InvalidOutput('the answer is not JSON');
  }
  const result = aiListingSchema.safeParse(parsed);
  if (!result.success) throw new InvalidOutput(`the answer does not match the schema (${result.error.issues.map((i) => i.path.join('.') || 'answer').join(', ')})`);
  const listing = enforceLimits(result.data, marketplace);
  const foreign = foreignBrands(listing, facts.brand, brands);
  if (foreign.length > 0) throw new InvalidOutput(`the answer names a brand the product is not (${foreign.join(', ')})`);
  return listing;
}

async function withModel(deps: AiDescriptionDeps, tenant: number, facts: ListingFacts, options: AiOptions, title: string, images: AiImage[]): Promise<Written> {
  const provider = deps.provider!;
  const brands = await deps.knownBrands(tenant);
  // One budget for the generation: asking again after a refused answer does not start a new one.
  const request = { system: systemPrompt(facts, options, images.length), user: userPrompt(facts, title), images, schema: aiListingSchema, schemaName: 'listing', deadline: Date.now() + provider.timeoutMs };
  const usage = { input_tokens: 0, output_tokens: 0 };
  let attempts = 0;
  let problem = '';
  // An answer that fails the checks is asked for once more, saying why.
  for (let round = 0; round < 2; round++) {
    const reply = await provider.complete(round === 0 ? request : { ...request, system: `${request.system}\nYour previous answer was refused: ${problem}. Follow the rules exactly.` });
    usage.input_tokens += reply.usage.input_tokens;
    usage.output_tokens += reply.usage.output_tokens;
    attempts += reply.attempts;
    try {
      return { listing: checkOutput(reply.content, facts, options.marketplace, brands), usage, attempts };
    } catch (err) {
      if (!(err instanceof InvalidOutput)) throw err;
      problem = err.message;
    }
  }
  throw Object.assign(new UpstreamError(`The AI provider's answer was refused twice: ${problem}; nothing was changed and no credit was charged`, 'ai_invalid_output'), { usage, attempts });
}

async function photos(deps: AiDescriptionDeps, product: NonNullable<ProductState>): Promise<AiImage[]> {
  const images: AiImage[] = [];
  for (const image of product.images.slice(0, MAX_IMAGES)) {
    const stored = await deps.readImage(image.file);
    if (stored) images.push({ contentType: stored.contentType, bytes: stored.bytes });
  }
  return images;
}

function allows(expected: CommandMetadata['expectedVersion'], current: number): boolean {
  if (expected === undefined || expected === 'any') return true;
  return typeof expected === 'number' ? expected === current : expected.includes(current);
}

export interface GenerateInput {
  product_id: string;
  options: Omit<AiDescriptionInput, keyof ExtraFacts> & ExtraFacts;
  /** The bulk job this generation is part of. */
  job_id?: string;
}

export async function generateAiDescription(deps: AiDescriptionDeps, tenant: number, input: GenerateInput, metadata: CommandMetadata): Promise<AiDescriptionDto> {
  const elapsed = deps.elapsed ?? (() => performance.now());
  const started = elapsed();
  const id = productIdOf(input.product_id);
  const history = await deps.store.readStream(tenant, productStream(id));
  const product = history.reduce<ProductState>((s, e) => productDecider.evolve(s, e as unknown as ProductEvent), productDecider.initialState);
  if (!product) throw new NotFoundError('Product not found', 'product_not_found');
  const version = history[history.length - 1]!.streamVersion;
  const { options: o } = input;
  // A product that cannot be edited, or a stale If-Match, is refused before anything is spent.
  if (o.apply) editable(product);
  if (o.apply && !allows(metadata.expectedVersion, version)) {
    throw new ConcurrencyError(productStream(id), typeof metadata.expectedVersion === 'object' ? metadata.expectedVersion.join(' or ') || 'none of its versions' : String(metadata.expectedVersion), version);
  }
  const options: AiOptions = { language: o.language ?? (await deps.accountLanguage(tenant)), tone: o.tone, length: o.length, marketplace: o.marketplace ?? null, use_images: o.use_images, apply: o.apply };
  const facts = listingFacts(product, { materials: o.materials, measurements: o.measurements, defects: o.defects });
  const generationId = metadata.idSeed ? deterministicUuid(`${tenant}:ai-generation:${metadata.idSeed}`, 0) : deps.ids.uuid();
  const provider = deps.provider;
  const creditKey = `ai-description:${generationId}`;
  const base = { generation_id: generationId, product_id: id, product_version: version, job_id: input.job_id ?? null, provider: provider?.name ?? 'template', model: provider?.model ?? TEMPLATE_MODEL, options };
  const record = (event: AiGenerationEvent) =>
    runCommand(deps, tenant, { stream: aiGenerationStream(generationId), decider: aiGenerationDecider, command: { type: 'RecordAiGeneration', event }, newStream: true }, { event: metadata.event, idSeed: metadata.idSeed });
  let charged = 0;
  let imagesSent = 0;
  let written: Written;

  const fail = async (err: unknown, usage: AiUsage = { input_tokens: 0, output_tokens: 0 }, attempts = 0): Promise<never> => {
    if (charged > 0) await deps.credits.refund(tenant, creditKey);
    const answer = err instanceof AiProviderError ? problemOf(err) : err;
    const extra = err as { usage?: AiUsage; attempts?: number };
    const code = answer instanceof AppError ? answer.code : 'internal_error';
    await record({
      type: 'AiDescriptionFailed',
      data: {
        ...base,
        images_sent: imagesSent,
        usage: extra.usage ?? usage,
        cost_estimate_usd: estimatedCostUsd(base.model, extra.usage ?? usage),
        latency_ms: Math.round(elapsed() - started),
        attempts: extra.attempts ?? (err instanceof AiProviderError ? err.attempts : attempts),
        error_code: code,
        error: answer instanceof AppError ? answer.message : 'An unexpected error occurred',
        failed_at: deps.clock.now().toISOString(),
      },
    }).catch(() => undefined);
    throw answer;
  };

  if (!provider) {
    written = { listing: enforceLimits(templateListing(facts, options), options.marketplace), usage: { input_tokens: 0, output_tokens: 0 }, attempts: 0 };
  } else {
    try {
      await deps.credits.consume(tenant, creditKey, CREDITS_PER_GENERATION);
    } catch (err) {
      return fail(err);
    }
    charged = CREDITS_PER_GENERATION;
    try {
      const images = options.use_images ? await photos(deps, product) : [];
      imagesSent = images.length;
      written = await withModel(deps, tenant, facts, options, product.details.title, images);
    } catch (err) {
      return fail(err);
    }
  }

  let appliedVersion: number | null = null;
  if (options.apply) {
    try {
      const edited = await editProduct(
        deps.products,
        tenant,
        { product_id: id, changes: { title: written.listing.title, description: written.listing.description } },
        { event: { ...metadata.event, source: 'ai', generation_id: generationId }, expectedVersion: metadata.expectedVersion ?? version, idSeed: metadata.idSeed && `${metadata.idSeed}:apply` },
      );
      appliedVersion = edited.version;
    } catch (err) {
      return fail(err, written.usage, written.attempts);
    }
  }

  const language: AiLanguage = provider ? options.language : templateLanguage(options.language, facts);
  const event: AiDescriptionGenerated = {
    type: 'AiDescriptionGenerated',
    data: {
      ...base,
      images_sent: imagesSent,
      usage: written.usage,
      cost_estimate_usd: estimatedCostUsd(base.model, written.usage),
      latency_ms: Math.round(elapsed() - started),
      attempts: written.attempts,
      language,
      listing: written.listing,
      credits_charged: charged,
      applied: appliedVersion !== null,
      applied_version: appliedVersion,
      generated_at: deps.clock.now().toISOString(),
    },
  };
  await record(event);
  return {
    ...written.listing,
    language,
    provider: base.provider,
    model: base.model,
    usage: written.usage,
    credits_charged: charged,
    generation_id: generationId,
    product_id: id,
    product_version: appliedVersion ?? version,
    applied: appliedVersion !== null,
  };
}

/** POST /api/products/{id}/ai-description */
export function generateAiDescriptionRoute(deps: AiDescriptionDeps) {
  return commandRoute({
    method: 'post',
    path: '/api/products/{id}/ai-description',
    summary: 'Write a listing for a product with AI (or the built-in template), and apply it if asked',
    tags: ['AI'],
    params: productIdParams,
    body: aiDescriptionBody,
    ifMatch: 'optional',
    responses: {
      200: { description: 'The listing written; with apply, ETag holds the product’s new version', schema: aiDescriptionSchema },
      400: { description: 'A field has the wrong type, or is unknown' },
      402: { description: 'The month’s AI credits are spent: the problem names the limit and when it resets' },
      404: { description: 'No such product for this account' },
      412: { description: 'With apply: the product changed since the ETag sent in If-Match (nothing was generated or charged)' },
      422: { description: 'With apply: the product is sold or archived' },
      502: { description: 'The AI provider refused the request, or its answer failed the checks twice (nothing changed, nothing charged)' },
      503: { description: 'The AI provider is unavailable or rate limiting (Retry-After); nothing changed, nothing charged' },
      504: { description: 'The AI provider did not answer within OPENAI_TIMEOUT_MS; nothing changed, nothing charged' },
    },
    handle: async ({ params, body, auth }, metadata) => {
      const result = await generateAiDescription(deps, auth.tenantId, { product_id: params.id, options: body }, metadata);
      return { status: 200, body: result, headers: (result.applied ? { ETag: etagOf(result.product_version) } : {}) as Record<string, string> };
    },
  });
}
