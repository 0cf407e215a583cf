import { randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { except } from 'hono/combine';
import { HTTPException } from 'hono/http-exception';
import { type AppDeps, consoleLogger } from './app-deps.ts';
import type { AppServices } from './app-services.ts';
import { isTransientDbError, StoreUnavailableError } from './db/store.ts';
import { inProcessBus } from './events/bus.ts';
import { eventRoutes } from './events/events.routes.ts';
import { createLiveEvents } from './events/live.ts';
import { feedRoutes } from './feeds/feeds.routes.ts';
import { ApiError, unavailable } from './http/api-error.ts';
import { clientIdentifier, clientLocator } from './http/client-identity.ts';
import { jsonBodyGuard, originGuard } from './http/guards.ts';
import { healthCheck } from './http/health.ts';
import { isThreadUrl } from './http/origin-policy.ts';
import { securityHeaders } from './http/security-headers.ts';
import { widgetAssets } from './http/widget-assets.ts';
import { challengeRoutes } from './messages/challenge.routes.ts';
import { featureRoutes } from './messages/features.routes.ts';
import { messageRoutes } from './messages/messages.routes.ts';
import { proofOfWork } from './messages/proof-of-work.ts';
import { adminVerifier } from './moderation/admin-auth.ts';
import { adminPage } from './moderation/admin-page.ts';
import { moderationRoutes } from './moderation/moderation.routes.ts';
import { ownerKeyRoutes } from './moderation/owner-keys.routes.ts';
import { resolvePolicy } from './moderation/policy.ts';
import { deliveryRoutes } from './notifications/deliveries.routes.ts';
import { subscriptionRoutes } from './notifications/subscription.routes.ts';
import { pageRoutes } from './pages/pages.routes.ts';
import { threadUrlCheck } from './threads/thread-url-check.ts';
import { threadRoutes } from './threads/threads.routes.ts';

/**
 * Builds the Parley HTTP app from its dependencies. It never listens and
 * never reads the environment: `main` does that, tests call `app.request()`.
 */
export function createApp(deps: AppDeps) {
  const logger = deps.logger ?? consoleLogger;
  const app = new Hono();
  // First, so every response (errors, 404s, scripts, pages, streams) passes through it.
  app.use('*', securityHeaders());
  const clock = deps.clock ?? (() => new Date());
  const policy = resolvePolicy(deps.config);
  const secret = deps.config.secret ?? randomBytes(32).toString('base64url');
  const identify = clientIdentifier(deps, secret);
  const locate = clientLocator(deps);
  const services: AppServices = {
    clock,
    identify,
    locate,
    policy,
    logger,
    secret,
    proofOfWork: deps.config.proofOfWork === 'on' ? proofOfWork(secret) : undefined,
    statusClock: () => ({ now: clock(), autoCloseDays: policy.autoCloseDays }),
    // With `*` any host could be named: the server never fetches arbitrary hosts.
    verifyThreadUrl:
      deps.config.verifyUrls && deps.config.origins !== '*'
        ? threadUrlCheck({
            isAllowed: (url) => isThreadUrl(url, deps.config),
            // A failed check costs like a post: the same per-minute number.
            failureBudget: deps.config.rateLimit,
            logger,
          })
        : undefined,
    verifyAdmin: adminVerifier({
      store: deps.store,
      token: policy.adminToken,
      clock,
      identify,
      logger,
    }),
    verifyOwner: adminVerifier({
      store: deps.store,
      token: policy.adminToken,
      clock,
      identify,
      logger,
      ownerKeys: true,
    }),
  };
  if (deps.config.verifyUrls && deps.config.origins === '*') {
    logger.info({ msg: 'thread url checks off: PARLEY_ORIGINS is *, and any host could be named' });
  }
  // Said once at start, so an operator who opens /admin knows why it refuses.
  // The token itself is never logged.
  logger.info(
    policy.adminToken
      ? { msg: 'admin API on: /admin signs in with PARLEY_ADMIN_TOKEN' }
      : {
          msg: 'admin API off: set PARLEY_ADMIN_TOKEN (at least 16 characters) to moderate at /admin',
        },
  );

  app.onError((caught, c) => {
    // The database cannot answer now (busy, unreachable): 503, reads and writes alike.
    const error =
      caught instanceof StoreUnavailableError
        ? unavailable(caught.message)
        : isTransientDbError(caught)
          ? unavailable('The database is busy or unreachable; try again shortly.')
          : caught;
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
      return c.json(error.toBody(), error.status);
    }
    // Hono's own refusals: malformed JSON is the client's fault, so it gets
    // the envelope like any other bad field.
    if (error instanceof HTTPException && error.status === 400) {
      return c.json(
        new ApiError(400, 'invalid_request', 'The request body is not valid JSON.', [
          { path: '(body)', message: 'is not valid JSON' },
        ]).toBody(),
        400,
      );
    }
    // Unexpected: log it for the operator, tell the client nothing about it.
    logger.error({
      msg: 'unhandled error',
      method: c.req.method,
      path: c.req.path,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    return c.json(
      { error: { code: 'internal_error', message: 'Something went wrong on the server.' } },
      500,
    );
  });

  app.notFound((c) =>
    c.json(
      { error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}.` } },
      404,
    ),
  );

  app.get('/healthz', healthCheck(deps.store));

  app.get('/admin', adminPage);
  const { widgetDir } = deps.config;
  if (widgetDir) {
    // Listed, read and compressed now, once: requests only look files up.
    const widget = widgetAssets(widgetDir, { entry: 'widget.js', chunks: 'widget' });
    const serveWidget = async (c: Context) => (await widget.serve(c)) ?? c.notFound();
    app.get('/widget.js', serveWidget);
    app.get('/widget/*', serveWidget);
    const admin = widgetAssets(widgetDir, {
      entry: 'admin.js',
      chunks: 'admin',
      crossOrigin: false,
    });
    const serveAdmin = async (c: Context) => (await admin.serve(c)) ?? c.notFound();
    app.get('/admin.js', serveAdmin);
    app.get('/admin/*', serveAdmin);
  }

  // Pages reached from reader mail: plain HTML outside /api, so the JSON
  // API's origin and body guards do not apply (RFC 8058's one-click POST
  // comes from mail clients, as a form or empty). Mounted even without mail
  // set up: links in mail sent before must keep working.
  app.route('/notifications', subscriptionRoutes(deps, services));
  // The thread as HTML (page and fragment) and Atom feeds: public reads
  // outside /api, so the API's origin and body guards stay off them.
  app.route('/', pageRoutes(deps, services));
  app.route('/', feedRoutes(deps, services));

  // The admin API is for /admin, on this server's own origin: no CORS at all
  // (see OriginGuardOptions). Matched by the router, as its routes are.
  app.use('/api/admin/*', originGuard(deps.config, { cors: false }));
  app.use('/api/*', except('/api/admin/*', originGuard(deps.config)), jsonBodyGuard());
  // Before the moderation routes: it guards itself, so their admin check does not run twice.
  app.route('/api/admin/owner-keys', ownerKeyRoutes(deps, services));
  app.route('/api/admin/deliveries', deliveryRoutes(deps, services));
  app.route('/api/admin', moderationRoutes(deps, services));
  const live =
    deps.live ??
    createLiveEvents({
      store: deps.store,
      bus: inProcessBus(),
      logger,
      ...(deps.config.maxStreams ? { maxStreams: deps.config.maxStreams } : {}),
    });
  app.route('/api', eventRoutes(deps, services, live));
  app.route('/api', threadRoutes(deps, services));
  app.route('/api', messageRoutes(deps, services));
  app.route('/api', challengeRoutes(services));
  app.route('/api', featureRoutes(deps));
  return app;
}

/** The Hono app type, for typed test clients. */
export type ParleyApp = ReturnType<typeof createApp>;
