import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { type AppDeps, consoleLogger, type Logger } from './app-deps.ts';
import { ConfigError, helpText, parseCommandLine, type ServerConfig } from './config.ts';
import { migrateToLatest } from './db/migrate.ts';
import { openStore, type Store } from './db/store.ts';

/** The widget's build output in this repository, used when PARLEY_WIDGET_DIR is unset. */
const DEFAULT_WIDGET_DIR = fileURLToPath(new URL('../../widget/dist', import.meta.url));

/** How long a graceful stop waits for in-flight requests before it closes them. */
const STOP_GRACE_MS = 10_000;

/** A running server. */
export interface RunningServer {
  /** The URL it listens on. */
  url: string;
  store: Store;
  /** Stops accepting, lets in-flight requests finish (bounded), closes the database. */
  stop(): Promise<void>;
}

/** Opens the database, migrates it and starts listening. */
export async function startServer(
  config: ServerConfig,
  options: { logger?: Logger; onStore?: (store: Store) => Promise<void> } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? consoleLogger;
  const store = await openStore(config.DATABASE_URL);
  try {
    await migrateToLatest(store.db);
    await options.onStore?.(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  const widgetDir =
    config.PARLEY_WIDGET_DIR ?? (existsSync(DEFAULT_WIDGET_DIR) ? DEFAULT_WIDGET_DIR : undefined);
  const deps: AppDeps = {
    store,
    logger,
    config: {
      origins: config.PARLEY_ORIGINS,
      trustedProxies: config.PARLEY_TRUSTED_PROXIES,
      rateLimit: config.PARLEY_RATE_LIMIT,
      ...(widgetDir ? { widgetDir } : {}),
      ...(config.PARLEY_ADMIN_TOKEN ? { adminToken: config.PARLEY_ADMIN_TOKEN } : {}),
      moderation: config.PARLEY_MODERATION,
      editWindowMinutes: config.PARLEY_EDIT_WINDOW,
      ...(config.PARLEY_AUTO_CLOSE_DAYS ? { autoCloseDays: config.PARLEY_AUTO_CLOSE_DAYS } : {}),
      heldWords: config.PARLEY_HELD_WORDS,
      reportThreshold: config.PARLEY_REPORT_THRESHOLD,
    },
  };
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () =>
      resolve(s as Server),
    ) as Server;
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  const url = `http://${host}:${port}`;
  logger.info({
    msg: 'listening',
    url,
    database: `${store.dialect} ${store.location}`,
    widget: widgetDir ?? null,
  });

  let stopping: Promise<void> | undefined;
  return {
    url,
    store,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
        await closed;
        clearTimeout(timer);
        await store.close();
        logger.info({ msg: 'stopped' });
      })();
      return stopping;
    },
  };
}

/** The `parley-server` command. Returns the process exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
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
    process.stdout.write(helpText());
    return 0;
  }
  let running: RunningServer;
  try {
    running = await startServer(command.config);
  } catch (error) {
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
