import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { sql } from 'kysely';
import { type AppDeps, consoleLogger } from './app-deps.ts';
import { ApiError, unavailable } from './http/api-error.ts';
import { jsonBodyGuard, originGuard } from './http/guards.ts';
import { widgetAssets } from './http/widget-assets.ts';
import { messageRoutes } from './messages/messages.routes.ts';
import { threadRoutes } from './threads/threads.routes.ts';

/**
 * Builds the Parley HTTP app from its dependencies. It never listens and
 * never reads the environment: `main` does that, tests call `app.request()`.
 */
export function createApp(deps: AppDeps) {
  const logger = deps.logger ?? consoleLogger;
  const app = new Hono();

  app.onError((error, c) => {
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
    if (isBusy(error)) {
      const busy = unavailable('The database is busy; try again shortly.');
      c.header('Retry-After', '1');
      return c.json(busy.toBody(), 503);
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

  app.get('/healthz', async (c) => {
    try {
      await sql`select 1`.execute(deps.store.db);
    } catch {
      throw unavailable('The database does not answer.', 5);
    }
    return c.json({ status: 'ok' });
  });

  const { widgetDir } = deps.config;
  if (widgetDir) {
    const serve = widgetAssets(widgetDir);
    app.get('/widget.js', async (c) => (await serve(c, 'widget.js')) ?? c.notFound());
    app.get('/widget/*', async (c) => (await serve(c, c.req.path.slice(1))) ?? c.notFound());
  }

  app.use('/api/*', originGuard(deps.config), jsonBodyGuard());
  app.route('/api', threadRoutes(deps));
  app.route('/api', messageRoutes(deps));
  return app;
}

/** The Hono app type, for typed test clients. */
export type ParleyApp = ReturnType<typeof createApp>;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
