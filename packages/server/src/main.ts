import { existsSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp, type ParleyApp } from './app.ts';
import { type AppDeps, consoleLogger, type Logger } from './app-deps.ts';
import { COMMANDS, runCommand } from './cli/commands.ts';
import { ConfigError, checkAdminToken, parseCommandLine, type ServerConfig } from './config.ts';
import { migrateToLatest } from './db/migrate.ts';
import { openStore, parseDatabaseUrl, type Store } from './db/store.ts';
import { type EventBus, inProcessBus } from './events/bus.ts';
import { createLiveEvents } from './events/live.ts';
import { postgresBus } from './events/pg-bus.ts';
import { defaultMaxStreams } from './events/stream-limits.ts';
import { admitPipelined, limitConnections } from './http/connection-limits.ts';
import { configuredChannels } from './notifications/channels.ts';
import { createDeliveryWorker } from './notifications/delivery-worker.ts';
import { loadServerSecret } from './server-secret.ts';
import { helpText } from './settings-docs.ts';
import { chatCompletionsSummary } from './summaries/chat-completions.ts';
import { extractiveSummary } from './summaries/extractive.ts';
import { createSummaryWorker } from './summaries/summary-worker.ts';
import { SERVER_VERSION } from './version.ts';

/** This package's folder: one up from `src/main.ts` and from the bundle in `dist/` alike. */
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * PARLEY_WIDGET_DIR's default (its row in `SETTINGS`): the folder of the
 * built widget for the package at `packageRoot` (default: this one), or
 * undefined when it holds no widget.js. The server never imports the widget:
 * it finds its files by path, in one place only, chosen by the package's
 * shape rather than by which folder happens to exist:
 *
 * - a checkout has its sources beside the build (`src/`): the widget
 *   package's build, `packages/widget/dist`. Never the server's own
 *   `widget/`, which only `prepack` makes: a pack that stopped before
 *   `postpack` leaves a stale copy there, which must not hide a newer build;
 * - the packed package has no `src/` (package.json `files`), nor a checkout
 *   around it: the copy packed into it, `widget/`.
 */
export function defaultWidgetDir(packageRoot: string = PACKAGE_ROOT): string | undefined {
  const dir = existsSync(join(packageRoot, 'src'))
    ? join(packageRoot, '..', 'widget', 'dist')
    : join(packageRoot, 'widget');
  return existsSync(join(dir, 'widget.js')) ? dir : undefined;
}

/** How long a graceful stop waits for in-flight requests before it closes them. */
const STOP_GRACE_MS = 10_000;

/**
 * How long a client may take to send a whole request, headers and body
 * (Node's defaults held a trickled body for 306 s: a 300 s `requestTimeout`
 * checked every 30 s). Only the request: a response may stream for as long as
 * the client takes it (see `IDLE_SOCKET_MS`), so live streams are never cut.
 */
export const REQUEST_TIMEOUT_MS = 10_000;

/** A running server. */
export interface RunningServer {
  /** The URL it listens on. */
  url: string;
  store: Store;
  /** How many connections are open (tests, diagnostics). */
  connections(): Promise<number>;
  /**
   * Stops accepting, ends every live stream (a final frame asks EventSource
   * to reconnect in a second, to another instance), lets in-flight requests
   * finish (bounded), closes the bus and the database.
   */
  stop(): Promise<void>;
}

/** Opens the database, migrates it and starts listening. */
export async function startServer(
  config: ServerConfig,
  options: {
    logger?: Logger;
    onStore?: (store: Store) => Promise<void>;
    /** {@link REQUEST_TIMEOUT_MS}, shorter in tests. */
    requestTimeoutMs?: number;
    /** `IDLE_SOCKET_MS` (http/connection-limits.ts), shorter in tests. */
    idleSocketMs?: number;
    /** The live streams' heartbeat (default 20 s): tests keep it below `idleSocketMs`. */
    heartbeatMs?: number;
  } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? consoleLogger;
  // Refusals first: a server that will not start opens and creates nothing.
  await checkAdminToken(config.PARLEY_ADMIN_TOKEN);
  if (config.PARLEY_WIDGET_DIR && !existsSync(join(config.PARLEY_WIDGET_DIR, 'widget.js'))) {
    throw new ConfigError(
      `invalid setting: PARLEY_WIDGET_DIR / --widget-dir: ${config.PARLEY_WIDGET_DIR} holds no widget.js (build the widget, or point it at the folder that holds widget.js)`,
    );
  }
  const secret = loadServerSecret({
    secret: config.PARLEY_SECRET,
    databaseUrl: config.DATABASE_URL,
    logger,
  });
  const store = await openStore(config.DATABASE_URL);
  let bus: EventBus;
  try {
    const applied = await migrateToLatest(store.db);
    // After an upgrade the log says what changed in the database, once.
    if (applied.length > 0) logger.info({ msg: 'migrated', applied });
    await options.onStore?.(store);
    // Many instances share one PostgreSQL: they hear each other's writes
    // through LISTEN/NOTIFY on a connection of their own.
    const target = parseDatabaseUrl(config.DATABASE_URL);
    bus =
      target.dialect === 'postgres' ? await postgresBus(target.url, { logger }) : inProcessBus();
  } catch (error) {
    await store.close();
    throw error;
  }
  // PARLEY_MAX_STREAMS's default, as its row in `SETTINGS` says: every stream
  // holds a socket, so streams may take the open-file limit less a headroom.
  const maxStreams = config.PARLEY_MAX_STREAMS ?? defaultMaxStreams();
  const live = createLiveEvents({
    store,
    bus,
    logger,
    maxStreams,
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
  });
  const widgetDir = config.PARLEY_WIDGET_DIR ?? defaultWidgetDir();
  if (!widgetDir) {
    // Not fatal (an API-only server is valid), but an operator who expects
    // the widget must hear why /widget.js and /admin will answer 404.
    logger.info({
      msg: 'no widget build found: /widget.js and /admin.js answer 404, so no thread and no /admin work; build it (npx -y pnpm@12.4.2 --filter @parley/widget build) or set PARLEY_WIDGET_DIR',
    });
  }
  const deps: AppDeps = {
    store,
    logger,
    live,
    config: {
      origins: config.PARLEY_ORIGINS,
      ...(config.PARLEY_PUBLIC_URL ? { publicUrl: config.PARLEY_PUBLIC_URL } : {}),
      verifyUrls: config.PARLEY_VERIFY_URLS === 'on',
      trustedProxies: config.PARLEY_TRUSTED_PROXIES,
      rateLimit: config.PARLEY_RATE_LIMIT,
      ...(widgetDir ? { widgetDir } : {}),
      ...(config.PARLEY_ADMIN_TOKEN ? { adminToken: config.PARLEY_ADMIN_TOKEN } : {}),
      moderation: config.PARLEY_MODERATION,
      editWindowMinutes: config.PARLEY_EDIT_WINDOW,
      ...(config.PARLEY_AUTO_CLOSE_DAYS ? { autoCloseDays: config.PARLEY_AUTO_CLOSE_DAYS } : {}),
      heldWords: config.PARLEY_HELD_WORDS,
      reportThreshold: config.PARLEY_REPORT_THRESHOLD,
      maxStreams,
      secret,
      maxLinks: config.PARLEY_MAX_LINKS,
      proofOfWork: config.PARLEY_PROOF_OF_WORK,
      ...(config.PARLEY_WEBHOOK_URL && config.PARLEY_WEBHOOK_SECRET
        ? { webhook: { url: config.PARLEY_WEBHOOK_URL, secret: config.PARLEY_WEBHOOK_SECRET } }
        : {}),
      ...(config.PARLEY_SMTP_URL && config.PARLEY_MAIL_FROM
        ? {
            mail: {
              smtpUrl: config.PARLEY_SMTP_URL,
              from: config.PARLEY_MAIL_FROM,
              ...(config.PARLEY_OWNER_EMAIL ? { ownerEmail: config.PARLEY_OWNER_EMAIL } : {}),
              ownerMail: config.PARLEY_OWNER_MAIL,
            },
          }
        : {}),
      ...(config.PARLEY_SUMMARY_URL && config.PARLEY_SUMMARY_MODEL
        ? {
            summary: {
              url: config.PARLEY_SUMMARY_URL,
              model: config.PARLEY_SUMMARY_MODEL,
              ...(config.PARLEY_SUMMARY_KEY ? { key: config.PARLEY_SUMMARY_KEY } : {}),
            },
          }
        : {}),
    },
  };
  // The app is built once the address is known (PORT may be 0): unless
  // PARLEY_PUBLIC_URL says otherwise, that address is the server's own origin
  // (PARLEY_PUBLIC_URL's default, as its row in `SETTINGS` says).
  let app: ParleyApp | undefined;
  const fetch: ParleyApp['fetch'] = (...args) => {
    const env = args[1] as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;
    if (env?.incoming && env.outgoing && !admitPipelined(env.incoming, env.outgoing)) {
      return new Response(null, { status: 503 });
    }
    return app ? app.fetch(...args) : new Response(null, { status: 503 });
  };
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = serve(
        {
          fetch,
          port: config.PORT,
          hostname: config.HOST,
          serverOptions: requestTimeouts(options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
        },
        () => resolve(s as Server),
      ) as Server;
      s.once('error', reject);
      // Before the first connection: listening has not begun yet.
      limitConnections(s, {
        trusted: config.PARLEY_TRUSTED_PROXIES,
        ...(options.idleSocketMs ? { idleMs: options.idleSocketMs } : {}),
      });
    });
  } catch (error) {
    // Nothing may keep the process alive after a failed start (the LISTEN client would).
    await live.shutdown();
    await bus.close();
    await store.close();
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  const url = `http://${host}:${port}`;
  const appConfig = { ...deps.config, listenUrl: url };
  app = createApp({ ...deps, config: appConfig });
  // After listening, so a slow receiver never holds up the start; every
  // instance runs one (claims keep them from sending anything twice).
  const worker = createDeliveryWorker({
    store,
    logger,
    channels: configuredChannels(appConfig, { logger, version: SERVER_VERSION }),
  });
  worker.start();
  // Likewise every instance recomputes stale automatic summaries (claims keep
  // two from computing one thread); a committed change anywhere, heard on
  // the bus, wakes it before its next poll.
  // The server's own extractive summary, or the configured endpoint's with
  // the extractive one standing whenever the endpoint fails.
  const summarize = appConfig.summary
    ? chatCompletionsSummary(appConfig.summary, extractiveSummary, { logger })
    : extractiveSummary;
  logger.info({
    msg: appConfig.summary
      ? `summaries: ${new URL(appConfig.summary.url).origin} model ${appConfig.summary.model}, built-in extractive when it fails`
      : 'summaries: built-in extractive',
  });
  const summaries = createSummaryWorker({ store, logger, summarize });
  const unwake = bus.subscribe(() => summaries.wake());
  summaries.start();
  logger.info({
    msg: 'listening',
    version: SERVER_VERSION,
    url,
    publicUrl: config.PARLEY_PUBLIC_URL ?? url,
    database: `${store.dialect} ${store.location}`,
    widget: widgetDir ?? null,
    maxStreams,
  });
  if (!config.PARLEY_PUBLIC_URL && !['127.0.0.1', 'localhost', '::1'].includes(config.HOST)) {
    // Browsers name the server by the URL they opened, which the Host header
    // no longer stands in for: /admin elsewhere than this address would get 403.
    logger.info({
      msg: `PARLEY_PUBLIC_URL is unset: the server's own origin is ${url}; set it to the URL readers and /admin use`,
    });
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    store,
    connections: () =>
      new Promise<number>((resolve, reject) =>
        server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      ),
    stop() {
      stopping ??= (async () => {
        // First: its sends finish (bounded) while the database is still open;
        // computations in flight are aborted (their threads stay due).
        unwake();
        await Promise.all([worker.stop(), summaries.stop()]);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
        // Live streams never end by themselves: end them, then close the
        // connections they leave idle (and those in-flight requests leave).
        await live.shutdown();
        const idle = setInterval(() => server.closeIdleConnections(), 50);
        server.closeIdleConnections();
        await closed;
        clearInterval(idle);
        clearTimeout(timer);
        await bus.close();
        await store.close();
        logger.info({ msg: 'stopped' });
      })();
      return stopping;
    },
  };
}

/**
 * Node's request timeouts, all at `ms`: the headers (`headersTimeout`) and the
 * whole request (`requestTimeout`) must have arrived within it, or Node
 * answers 408 and closes the connection. Both count only while the request is
 * arriving: once it is in, the response (a live stream) runs on while the
 * client reads it (`limitConnections` cuts a connection that stops).
 * Node checks them every `connectionsCheckingInterval` (default 30 s, which
 * would let a slow client stay 40 s): a tenth of the timeout here.
 */
function requestTimeouts(ms: number) {
  return {
    headersTimeout: ms,
    requestTimeout: ms,
    connectionsCheckingInterval: Math.max(10, Math.ceil(ms / 10)),
  };
}

/**
 * The `parley-server` command. Returns the process exit code. A command
 * line whose first word is not an option names a command (`backup`,
 * `export`, ...: cli/commands.ts); otherwise it serves.
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv[0] !== undefined && !argv[0].startsWith('-')) return runDataCommand(argv, env);
  let command: ReturnType<typeof parseCommandLine>;
  try {
    command = parseCommandLine(argv, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`parley-server: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (command.kind === 'help') {
    process.stdout.write(helpText(COMMANDS));
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write(`parley-server ${SERVER_VERSION}\n`);
    return 0;
  }
  let running: RunningServer;
  try {
    running = await startServer(command.config);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`parley-server: ${error.message}`);
      return 2;
    }
    console.error(`parley-server: could not start: ${(error as Error).message}`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      consoleLogger.info({ msg: 'stopping', signal });
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      running.stop().then(
        () => resolve(0),
        (error) => {
          console.error(`parley-server: unclean stop: ${(error as Error).message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/**
 * Runs a command on the process's streams. The first SIGINT or SIGTERM asks
 * it to stop and clean up (no half-written FILE is left); a second one, the
 * default again, ends the process at once.
 */
async function runDataCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const interrupted = new AbortController();
  const interrupt = () => interrupted.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    return await runCommand(argv, env, {
      stdout: process.stdout,
      stderr: process.stderr,
      signal: interrupted.signal,
    });
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}
