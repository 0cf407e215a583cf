import type { AppConfig } from '../app-deps.ts';
import { DEFAULT_SERVER_CONFIG as DEFAULTS } from '../config.ts';
import { type HeldWordsMatcher, heldWordsMatcher } from './held-words.ts';

/** The moderation settings with their defaults applied, resolved once per app. */
export interface ModerationPolicy {
  /** The site owner's token; undefined when the admin API is off. */
  adminToken: string | undefined;
  /** `all`: every new message (and every edit) waits for a moderator. */
  moderation: 'none' | 'all';
  /** How long an author may edit, in milliseconds after posting. */
  editWindowMs: number;
  /** Days without activity that close a thread; undefined: never. */
  autoCloseDays: number | undefined;
  /** Whether a text contains a held word. */
  isHeld: HeldWordsMatcher;
  /** Open reports that hide a published message; 0 never hides. */
  reportThreshold: number;
  /** Links a message may hold before it waits for a moderator; 0: any link holds it. */
  maxLinks: number;
}

/** A setting `config` leaves out takes its default from the settings table (config.ts `SETTINGS`). */
export function resolvePolicy(config: AppConfig): ModerationPolicy {
  return {
    adminToken: config.adminToken || undefined,
    moderation: config.moderation ?? DEFAULTS.PARLEY_MODERATION,
    editWindowMs: (config.editWindowMinutes ?? DEFAULTS.PARLEY_EDIT_WINDOW) * 60_000,
    autoCloseDays: config.autoCloseDays || undefined,
    isHeld: heldWordsMatcher(config.heldWords ?? []),
    reportThreshold: config.reportThreshold ?? DEFAULTS.PARLEY_REPORT_THRESHOLD,
    maxLinks: config.maxLinks ?? DEFAULTS.PARLEY_MAX_LINKS,
  };
}
