import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';

/** What `GET /api/features` answers: what the widget's post form may offer on this server. */
export interface Features {
  /**
   * Readers may ask for a mail when someone replies to them: mail is set up
   * (`PARLEY_SMTP_URL`, `PARLEY_MAIL_FROM`) and the server knows the public
   * URL its confirmation and unsubscribe links point at (`PARLEY_PUBLIC_URL`).
   */
  replyMail: boolean;
  /** Posts need a solved challenge from `GET /api/challenge` (`PARLEY_PROOF_OF_WORK=on`). */
  proofOfWork: boolean;
}

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
