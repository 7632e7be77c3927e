// createApp(deps) builds the Express app; main.ts listens. No access log, no cookies, no-store
// everywhere, a strict CSP with no inline script, and one JSON error handler.
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from '../runtime/logger.js';
import { describeError, NotFoundError } from './errors.js';
import type { HealthProbe } from './health.js';
import { createIntakeRouter, type IntakeDeps } from './intake/router.js';
import { createLogRouter, type LogRouterDeps } from './log/router.js';
import { createReviewerRouter, type ReviewerDeps } from './reviewer/router.js';

export interface AppDeps {
  health: HealthProbe;
  logger: Logger;
  /** Directory of the built page (dist/web). */
  webRoot: string;
  /** Express `trust proxy`: false, or the number of proxy hops in front of us. */
  trustProxy: false | number;
  /** The intake API (docs/API.md); omitted only by tests of the bare app. */
  intake?: IntakeDeps;
  /** The reviewer API (docs/API.md); omitted only by tests of the bare app. */
  reviewer?: ReviewerDeps;
  /** The public provenance log API (docs/API.md); omitted only by tests of the bare app. */
  log?: LogRouterDeps;
}

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'blob:'],
  'media-src': ["'self'", 'blob:'],
  'worker-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', deps.trustProxy);

  app.use(noStore);
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginEmbedderPolicy: false,
      hsts: false, // TLS terminates at the operator's proxy; it sets HSTS.
    }),
  );
  app.use((_req, res, next) => {
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    next();
  });

  const api = express.Router();
  api.get('/health', async (_req, res, next) => {
    try {
      const health = await deps.health();
      res.status(health.status === 'ok' ? 200 : 503).json(health);
    } catch (error) {
      next(error);
    }
  });
  if (deps.reviewer !== undefined) api.use('/reviewer', createReviewerRouter(deps.reviewer));
  if (deps.log !== undefined) api.use('/log', createLogRouter(deps.log));
  if (deps.intake !== undefined) api.use(createIntakeRouter(deps.intake));
  api.use((_req, _res, next) => next(new NotFoundError()));
  app.use('/api', api);

  app.use(
    express.static(deps.webRoot, {
      index: 'index.html',
      etag: false,
      lastModified: false,
      dotfiles: 'ignore',
      redirect: false,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-store'),
    }),
  );
  app.use((_req, _res, next) => next(new NotFoundError()));

  const onError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    const { status, code, message } = describeError(error);
    if (status >= 500) deps.logger.error('request_failed', { status, code });
    else deps.logger.debug('request_rejected', { status, code });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json({ error: { code, message } });
  };
  app.use(onError);
  return app;
}
