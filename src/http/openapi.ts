import { z } from 'zod';
import type { AnyRoute } from './route';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

const problem: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string' },
    request_id: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
  required: ['type', 'title', 'status'],
};

function parameters(route: AnyRoute): JsonSchema[] {
  const out: JsonSchema[] = [];
  const pathNames = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const pathProps = route.params ? ((toSchema(route.params, 'input').properties ?? {}) as Record<string, JsonSchema>) : {};
  for (const name of pathNames) out.push({ name, in: 'path', required: true, schema: pathProps[name] ?? { type: 'string' } });
  if (route.query) {
    const json = toSchema(route.query, 'input');
    const required = new Set((json.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((json.properties ?? {}) as Record<string, JsonSchema>)) {
      out.push({ name, in: 'query', required: required.has(name), schema, description: schema.description });
    }
  }
  for (const h of route.headers ?? []) {
    out.push({ name: h.name, in: 'header', required: h.required ?? false, description: h.description, schema: { type: 'string' } });
  }
  return out;
}

/** Builds the OpenAPI 3.1 document from the routes' own zod schemas. */
export function buildOpenApi(routes: AnyRoute[], info: { title: string; version: string; description: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  const securitySchemes: Record<string, unknown> = { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } };
  for (const route of routes) {
    if (route.authenticator) securitySchemes[route.authenticator.scheme] = route.authenticator.securityScheme;
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      const type = spec.contentType ?? 'application/json';
      responses[status] = {
        description: spec.description,
        ...(spec.schema ? { content: { [type]: { schema: toSchema(spec.schema, 'output') } } } : {}),
      };
    }
    responses.default = {
      description: 'Problem details',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: route.tags,
      operationId: `${route.method}${route.path.replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      parameters: parameters(route),
      responses,
      ...(route.authenticator
        ? { security: [route.authenticator.scheme, ...(route.authenticator.alternatives ?? [])].map((scheme) => ({ [scheme]: [] })) }
        : route.auth === false
          ? { security: [] }
          : {}),
    };
    if (route.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } };
    } else if (route.rawBody) {
      operation.requestBody = { required: true, content: { [route.rawBody.contentType]: { schema: route.rawBody.schema } } };
    }
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    components: {
      securitySchemes,
      schemas: { Problem: problem },
    },
    paths,
  };
}
