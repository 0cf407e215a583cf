/**
 * `@parley/server`: the public API of the Parley server package.
 * Everything not exported here is internal.
 */
export { createApp, type ParleyApp } from './app.ts';
export {
  type AppConfig,
  type AppDeps,
  consoleLogger,
  type Logger,
  silentLogger,
} from './app-deps.ts';
export { ConfigError, parseCommandLine, type ServerConfig } from './config.ts';
export { migrateToLatest } from './db/migrate.ts';
export { type Dialect, openStore, parseDatabaseUrl, type Store } from './db/store.ts';
export { TrustedProxies } from './http/client-address.ts';
export { type RunningServer, startServer } from './main.ts';
export * from './wire.ts';
