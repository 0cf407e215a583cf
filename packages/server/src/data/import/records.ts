/**
 * What every importer reads a file into, and what the loader writes to the
 * database: one shape for a Parley export, a Disqus export and a WordPress
 * WXR file alike. A reader streams its file and hands records to an
 * {@link ImportSink} as it meets them; it never holds the whole file.
 */

/** A thread as an importer found it. Keys are the thread keys Parley uses today. */
export interface ImportThread {
  key: string;
  title: string | null;
  summary: string | null;
  /**
   * Who wrote `summary` (absent: a moderator, `manual`, as every summary
   * before automatic ones was). An automatic one is computed again here.
   */
  summarySource?: 'manual' | 'automatic';
  /** The page the thread belongs to, when the file says. */
  url: string | null;
  status: 'open' | 'closed';
  /** When the thread began, when the file says (else its first message's time). */
  createdAt: string | null;
  /**
   * Whether readers could see it, when the file says (a Parley export does;
   * absent: public). A published message makes it public whatever this says;
   * a thread whose every imported message is pending is not public whatever
   * this says.
   */
  public?: boolean;
  /** When the thread row last changed, when the file says (absent: its last activity). */
  updatedAt?: string | null;
  /**
   * Its last published activity, when the file says; the loader moves it
   * forward to the newest published message (absent: that, or `createdAt`).
   */
  lastActivityAt?: string | null;
}

/** The statuses a message can be imported with (the export's `status`). */
export type ImportStatus = 'published' | 'pending' | 'hidden' | 'spam' | 'deleted';

/** A message as an importer found it. */
export interface ImportMessage {
  /**
   * Stable across exports of the same source: `disqus:<dsq:id>`,
   * `wordpress:<site>/<comment id>`, or a Parley export's `sourceId`.
   * Re-importing a message whose source id is already in the database
   * changes nothing.
   */
  sourceId: string;
  threadKey: string;
  /** The parent's `sourceId`; null for a top-level message. */
  parentSourceId: string | null;
  kind: 'opening' | 'reply';
  status: ImportStatus;
  /** Why a `hidden` message is hidden; null for every other status. */
  hiddenReason: 'moderator' | 'reports' | null;
  author: { name: string; role: 'owner' | null };
  /** Markdown; the loader renders it to HTML with today's renderer. */
  body: string;
  highlighted: boolean;
  /** ISO 8601, UTC, to the millisecond. */
  createdAt: string;
  editedAt: string | null;
  updatedAt: string | null;
}

/** A reader's report on an imported message. */
export interface ImportReport {
  messageSourceId: string;
  reason: string | null;
  createdAt: string;
  decidedAt: string | null;
}

/** Where a reader hands what it reads, in file order. */
export interface ImportSink {
  thread(thread: ImportThread): void | Promise<void>;
  message(message: ImportMessage): void | Promise<void>;
  report(report: ImportReport): void | Promise<void>;
  /** Something in the file left out on purpose, counted by `why` ("spam", "deleted", …). */
  skip(why: string, count?: number): void;
}

/** A file (or a record in it) the import cannot take; nothing was written. */
export class ImportError extends Error {
  override name = 'ImportError';
}

/**
 * The order new messages are written in (their new ids grow with it):
 * `file`, as the file lists them (a Parley export, whose order is its ids');
 * `time`, by creation time (a Disqus or WordPress file, in no useful order).
 * Either way a reply is written after its parent.
 */
export type ImportOrder = 'file' | 'time';

/** Reads one file into a sink; resolves when the whole file is read. */
export interface ImportReader {
  (sink: ImportSink): Promise<void>;
  /** The order its new messages are written in (absent: `time`). */
  readonly order?: ImportOrder;
}

/** Told how long work is going (a progress line on a terminal). */
export interface Progress {
  /** `done` of `total` (total unknown: undefined) `unit`s of the named phase. */
  update(phase: string, done: number, total?: number): void;
  /** The phase is over. */
  done(): void;
}

/** A progress that says nothing (tests, quiet runs). */
export const silentProgress: Progress = { update() {}, done() {} };

/** What an import did, or (dry run) would do. */
export interface ImportSummary {
  dryRun: boolean;
  threads: { created: number; existing: number };
  messages: { created: number; existing: number };
  reports: { created: number };
  /** Left out on purpose, by why. */
  skipped: Record<string, number>;
}
