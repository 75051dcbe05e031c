import { Router, type Request, type RequestHandler, type Response } from 'express';
import { sendProblem } from './problem';
import { expressPath, type AnyRoute } from './route';

/** Hands `found` the methods served on the request's path: none when no route has it. */
export type MethodsOnPath = (req: Request, res: Response, found: (methods: string[]) => void) => void;

/**
 * The methods the route registry serves on each path, HEAD wherever GET (Express answers it),
 * sorted as Express's own OPTIONS answer sorts them. Paths are matched by an Express router that
 * holds every path of the registry, so `/api/products/{id}` matches exactly the requests the API's
 * router hands to its routes (any case, a trailing slash, percent-encoding), and a request path
 * that two routes' paths match (`/api/attributes/brands`, `/api/attributes/{kind}`) gets both.
 */
export function methodsOnPath(routes: AnyRoute[]): MethodsOnPath {
  const byPath = new Map<string, Set<string>>();
  for (const route of routes) {
    const path = expressPath(route.path);
    const methods = byPath.get(path) ?? new Set<string>();
    methods.add(route.method.toUpperCase());
    if (route.method === 'get') methods.add('HEAD');
    byPath.set(path, methods);
  }
  const collecting = new WeakMap<Request, Set<string>>();
  const matcher = Router();
  for (const [path, methods] of byPath) {
    matcher.all(path, (req, _res, next) => {
      const found = collecting.get(req);
      for (const method of methods) found?.add(method);
      next();
    });
  }
  return (req, res, found) => {
    const methods = new Set<string>();
    collecting.set(req, methods);
    matcher(req, res, (err?: unknown) => {
      collecting.delete(req);
      // A path that does not decode is refused by the API's own router (400): it names no route.
      found(err ? [] : [...methods].sort());
    });
  };
}

/** A path the registry has, asked with a method none of its routes serves: 405 with `Allow`. */
export function methodNotAllowedHandler(methodsOn: MethodsOnPath): RequestHandler {
  return (req, res, next) => {
    // OPTIONS is answered by CORS preflight or by Express itself.
    if (req.method === 'OPTIONS') return next();
    methodsOn(req, res, (methods) => {
      if (methods.length === 0) return next();
      const allow = methods.join(', ');
      res.setHeader('Allow', allow);
      sendProblem(res, { status: 405, detail: `${req.method} is not allowed on ${req.path}; it allows ${allow}`, code: 'method_not_allowed', instance: req.originalUrl });
    });
  };
}
