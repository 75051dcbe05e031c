/*
 * The handful of error kinds the service speaks. They carry no HTTP status: the problem-details
 * middleware maps each kind to one, so the domain stays free of transport concerns.
 */

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `price` or `images.2`. */
  field: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly kind: string;
  constructor(
    message: string,
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that does not parse (400) or breaks a rule about the input itself (422). */
export class ValidationError extends AppError {
  readonly kind = 'validation';
  constructor(
    readonly errors: FieldProblem[],
    readonly unprocessable = false,
    message = `Invalid ${errors.map((e) => e.field).join(', ') || 'request'}`,
  ) {
    super(message, unprocessable ? 'unprocessable' : 'invalid_request');
  }
}

export class NotFoundError extends AppError {
  readonly kind = 'not_found';
  constructor(message = 'Not found', code = 'not_found') {
    super(message, code);
  }
}

export class ConflictError extends AppError {
  readonly kind = 'conflict';
  constructor(message: string, code = 'conflict', extra: Record<string, unknown> = {}) {
    super(message, code, extra);
  }
}

/** Optimistic concurrency: the stream moved on since the caller read it. */
export class ConcurrencyError extends AppError {
  readonly kind = 'concurrency';
  constructor(
    readonly stream: string,
    readonly expected: unknown,
    readonly actual: number,
  ) {
    super(`Stream ${stream} is at version ${actual}, expected ${String(expected)}`, 'version_conflict', {
      actual_version: actual,
    });
  }
}

/** A precondition the client must send (If-Match) is missing: 428. */
export class PreconditionRequiredError extends AppError {
  readonly kind = 'precondition_required';
  constructor(message: string) {
    super(message, 'precondition_required');
  }
}

/** A business rule refused the command. */
export class DomainRuleError extends AppError {
  readonly kind = 'domain_rule';
  constructor(
    message: string,
    code: string,
    readonly field?: string,
  ) {
    super(message, code);
  }
}

export class AuthError extends AppError {
  readonly kind = 'auth';
  constructor(
    message = 'Authentication required',
    readonly forbidden = false,
    code = forbidden ? 'forbidden' : 'unauthorized',
  ) {
    super(message, code);
  }
}

export class RateLimitedError extends AppError {
  readonly kind = 'rate_limited';
  constructor(readonly retryAfterSeconds: number, message = 'Too many requests', extra: Record<string, unknown> = {}) {
    super(message, 'rate_limited', extra);
  }
}

/** A dependency or capacity limit is unavailable: 503, with `Retry-After` when it is known to pass soon. */
export class UnavailableError extends AppError {
  readonly kind = 'unavailable';
  constructor(
    message: string,
    code = 'unavailable',
    readonly retryAfterSeconds?: number,
  ) {
    super(message, code);
  }
}

/** A marketplace answered with an error or not at all: 502, with what it said. */
export class UpstreamError extends AppError {
  readonly kind = 'upstream';
  constructor(message: string, code = 'marketplace_error', extra: Record<string, unknown> = {}) {
    super(message, code, extra);
  }
}

/** A dependency took longer than its time budget to answer: 504. */
export class GatewayTimeoutError extends AppError {
  readonly kind = 'gateway_timeout';
  constructor(message: string, code = 'gateway_timeout', extra: Record<string, unknown> = {}) {
    super(message, code, extra);
  }
}

/**
 * The tenant's plan does not take one more (a product, a marketplace): 403, saying which limit,
 * what the plan allows, what is in use and which plan would allow it.
 */
export class PlanLimitError extends AppError {
  readonly kind = 'plan_limit';
  constructor(
    message: string,
    readonly field: string,
    details: { limit: string; plan: string; allowed: number; usage: number; requested: number; upgrade_to: string | null },
  ) {
    super(message, 'plan_limit_reached', details);
  }
}

/** The month's AI credits are spent: 402, saying how many the plan gives, how many are left and when they reset. */
export class CreditsExhaustedError extends AppError {
  readonly kind = 'credits_exhausted';
  constructor(
    message: string,
    details: { limit: string; plan: string; allowed: number; used: number; left: number; requested: number; resets_at: string; upgrade_to: string | null },
  ) {
    super(message, 'ai_credits_exhausted', details);
  }
}
