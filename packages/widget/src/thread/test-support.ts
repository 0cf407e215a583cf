/**
 * Shared by the thread's browser tests: the fake Parley server (see
 * `testing/fake-server.ts`), a fake `window.EventSource` (reset before each
 * test), message and thread factories, and helpers to mount the element and
 * use it the way a reader does.
 */
import { fixture, oneEvent } from '@open-wc/testing';
import type { Message, Thread } from '@parley/server/wire';
import '../define.js';

import { ago, HOUR, MIN, route, SERVER, useFakeServer } from '../testing/fake-server.js';
import type { ParleyThread } from './parley-thread.js';

export * from '../testing/fake-server.js';

let uid = 0;

/** A unique thread key per test, so no state can leak between tests. */
export const uniqueKey = () => `/blog/post-${++uid}`;
export const threadPath = (key: string) => `/api/threads/${encodeURIComponent(key)}`;

export function makeThread(over: Partial<Thread> = {}): Thread {
  return {
    key: '/blog/post',
    title: 'The Efficiency Wars',
    summary: 'How DeepSeek R1 challenges Western AI dominance.',
    summarySource: 'manual',
    url: 'https://blog.example/blog/post',
    status: 'open',
    messageCount: 5,
    highlightCount: 0,
    lastActivityAt: ago(HOUR),
    createdAt: ago(5 * HOUR),
    ...over,
  };
}

export function makeMessage(id: number, over: Partial<Message> = {}): Message {
  return {
    id,
    parentId: null,
    kind: 'reply',
    author: { name: `Reader ${id}` },
    html: `<p>Message number ${id}</p>`,
    createdAt: ago((10 - id) * MIN),
    editedAt: null,
    highlighted: false,
    ...over,
  };
}

export const opening = makeMessage(1, {
  kind: 'opening',
  author: { name: 'Ada', role: 'owner' },
  html: '<p>The recent release of <strong>DeepSeek-R1</strong> has sent shockwaves.</p>',
  createdAt: ago(5 * HOUR),
});
export const seedMessages = [
  opening,
  makeMessage(2),
  makeMessage(3),
  makeMessage(4),
  makeMessage(5),
];

/** Serves one thread at `key` (its page read after event `lastEventId`) and returns its path. */
export function serveThread(
  key: string,
  thread: Partial<Thread> = {},
  messages = seedMessages,
  nextCursor: string | null = null,
  lastEventId = 0,
) {
  route('GET', threadPath(key), {
    thread: makeThread({ key, ...thread }),
    messages,
    nextCursor,
    lastEventId,
  });
  return threadPath(key);
}

/**
 * Mounts `<parley-thread>` with `attrs` and waits until it has loaded or
 * failed, and (through `updateComplete`) until all of it is rendered, a long
 * page's batches and the interactive chunk included. `onRender` is called
 * after each change to its shadow tree meanwhile, to watch the batches.
 */
export async function mount(
  attrs: Record<string, string> = {},
  parent?: HTMLElement,
  onRender?: (el: ParleyThread) => void,
) {
  const el = document.createElement('parley-thread');
  for (const [name, value] of Object.entries({ server: SERVER, ...attrs }))
    el.setAttribute(name, value);
  const settled = Promise.race([
    oneEvent(el, 'parley-thread-loaded'),
    oneEvent(el, 'parley-error'),
  ]);
  // The fixture connects the element at once (its shadow root with it) and then waits.
  let connected: Promise<unknown>;
  if (parent) {
    parent.append(el);
    connected = fixture(parent);
  } else connected = fixture(el);
  const observer = onRender && new MutationObserver(() => onRender(el));
  observer?.observe(el.shadowRoot!, { childList: true, subtree: true });
  await connected;
  await settled;
  await el.updateComplete;
  observer?.disconnect();
  return el;
}

export const $ = <T extends Element = HTMLElement>(el: ParleyThread, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector)!;
export const $$ = (el: ParleyThread, selector: string) => [
  ...el.shadowRoot!.querySelectorAll<HTMLElement>(selector),
];
export const text = (node: Element | null | undefined) =>
  node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
export const ids = (nodes: Element[]) => nodes.map((n) => n.id);

/** Types into a field the way a reader does: value, then an input event. */
export function type(el: ParleyThread, selector: string, value: string) {
  const field = $<HTMLInputElement>(el, selector);
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

export async function submit(el: ParleyThread) {
  $<HTMLButtonElement>(el, 'button[part~=button].primary').click();
  await el.updateComplete;
}

/**
 * The fake behind `window.EventSource`: records every stream the element
 * opens (and whether it closed it) and lets a test open it, push frames and
 * fail it, as a server and a network would.
 */
export class FakeEventSource extends EventTarget {
  static streams: FakeEventSource[] = [];
  readonly url: string;
  /** 0 connecting, 1 open, 2 closed (as EventSource's constants). */
  readyState = 0;
  closed = false;

  constructor(url: string | URL) {
    super();
    this.url = String(url);
    FakeEventSource.streams.push(this);
  }

  close() {
    this.readyState = 2;
    this.closed = true;
  }

  /** The server answered: the stream is open. */
  open() {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
    return this;
  }

  /** One frame: `id: <id>`, `event: <type>`, `data: <JSON of data>`. */
  push(id: number, data: { type: string } & Record<string, unknown>) {
    this.dispatchEvent(
      new MessageEvent(data.type, { data: JSON.stringify(data), lastEventId: String(id) }),
    );
  }

  /** The connection dropped; with `fatal` the browser gives up (`CLOSED`) instead of reconnecting. */
  fail(fatal = false) {
    this.readyState = fatal ? 2 : 0;
    this.dispatchEvent(new Event('error'));
  }
}

/** The streams still open (not closed by the element). */
export const openStreams = () => FakeEventSource.streams.filter((s) => !s.closed);
const realEventSource = window.EventSource;

useFakeServer();

beforeEach(() => {
  FakeEventSource.streams = [];
  window.EventSource = FakeEventSource as unknown as typeof EventSource;
});

afterEach(() => {
  window.EventSource = realEventSource;
});
