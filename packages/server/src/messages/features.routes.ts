import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { Features } from '../wire.ts';

/** Whether this server can send reader reply mail (see {@link Features.replyMail}). */
export function replyMailOn(config: AppDeps['config']): boolean {
  return config.mail !== undefined && config.publicUrl !== undefined;
}

/**
 * `GET /api/features`, mounted under `/api`: the settings a post form adapts
 * to, so the widget offers an email field only where mail can be sent. They
 * change only with a restart: cached for five minutes.
 */
export function featureRoutes(deps: Pick<AppDeps, 'config'>) {
  const features: Features = {
    replyMail: replyMailOn(deps.config),
    proofOfWork: deps.config.proofOfWork === 'on',
  };
  return new Hono().get('/features', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(features);
  });
}
