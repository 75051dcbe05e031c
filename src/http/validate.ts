/* Request validation: zod issues become field problems, named by their dotted path. */
import type { z } from 'zod';
import { ValidationError, type FieldProblem } from '../shared/errors';

/** The value at a path of the input, or undefined when the path leads nowhere. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A missing field says `required`; a wrong one says what was expected, in the parser's words. */
export function fieldProblems(error: z.ZodError, prefix?: string, input?: unknown): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return { field: [...path, ...issue.keys].filter(Boolean).join('.') || (prefix ?? 'body'), message: 'is not allowed' };
    }
    const field = path.length > 0 ? path.join('.') : (prefix ?? 'body');
    const missing = issue.code === 'invalid_type' && path.length > 0 && valueAt(input, issue.path) === undefined;
    return { field, message: missing ? 'required' : issue.message };
  });
}

/** Parses `value` or throws a 400 ValidationError naming each offending field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(fieldProblems(result.error, where, value));
  return result.data;
}
