import type { z } from 'zod';
import { ValidationError, type FieldProblem } from '../shared/errors';

/** Turns zod issues into field problems named by their dotted path. */
export function fieldProblems(error: z.ZodError, prefix?: string): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return { field: [...path, ...issue.keys].filter(Boolean).join('.') || (prefix ?? 'body'), message: 'is not allowed' };
    }
    const field = path.length > 0 ? path.join('.') : (prefix ?? 'body');
    return { field, message: issue.message };
  });
}

/** Parses `value` or throws a 400 ValidationError naming each offending field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(fieldProblems(result.error, where));
  return result.data;
}
