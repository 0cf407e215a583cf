import { expect, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type { ParleyThread } from './parley-thread.js';
import { askReplyMail } from './reply-mail.js';
import {
  $,
  $$,
  makeMessage,
  mount,
  route,
  SERVER,
  seedMessages,
  serveFeatures,
  serveThread,
  text,
  uniqueKey,
} from './test-support.js';

const button = (el: ParleyThread, scope: string, label: string) =>
  $$(el, `${scope} button`).find((b) => text(b) === label)!;

/** Every button and field under `scope` that is on screen, with its size. */
const targets = (el: ParleyThread, scope: string) =>
  $$(el, `${scope} button, ${scope} input:not([tabindex="-1"]), ${scope} textarea`)
    .filter((t) => t.checkVisibility())
    .map((t) => {
      const r = t.getBoundingClientRect();
      return { name: t.getAttribute('aria-label') || text(t) || t.id, w: r.width, h: r.height };
    });

describe('<parley-thread> taking part on a phone', () => {
  it('gives every action, the reply box’s and the report step’s controls 44 px, Report apart from Reply', async () => {
    expect(matchMedia('(pointer: coarse)').matches).to.equal(true);
    const k = uniqueKey();
    serveThread(k);
    const el = await mount({ thread: k });
    const small = (scope: string) => targets(el, scope).filter((t) => t.h < 44 || t.w < 44);
    expect(small('#parley-2 [part~=actions]')).to.deep.equal([]);
    expect(small('[part~=sort]')).to.deep.equal([]);
    const reply = button(el, '#parley-2', 'Reply').getBoundingClientRect();
    const report = button(el, '#parley-2', 'Report').getBoundingClientRect();
    expect(report.left - reply.right).to.be.greaterThan(100);

    button(el, '#parley-2', 'Reply').click();
    await waitUntil(() => $(el, '#parley-r2-body'));
    expect(small('#parley-2 form[part~=reply]')).to.deep.equal([]);
    await expect(el).to.be.accessible();

    button(el, '#parley-3', 'Report').click();
    await waitUntil(() => $(el, '#parley-reason-3'));
    expect(small('#parley-3 form[part~=report]')).to.deep.equal([]);
  });

  it('keeps each message’s actions row as tall before its buttons arrive as after (no shift on touch)', async () => {
    const k = uniqueKey();
    serveThread(k);
    const el = await mount({ thread: k });
    const row = $(el, '#parley-2 .actions');
    // The row's own floor, which holds while the actions chunk is on its way.
    expect(getComputedStyle(row).minHeight).to.equal('44px');
    await waitUntil(() => button(el, '#parley-2', 'Reply'));
    expect(row.getBoundingClientRect().height).to.equal(44);
  });

  it('fits the reply box and the report step in a 320 px column', async () => {
    // The phone group pins its viewport to 390 px: a 320 px column stands in for the narrowest phone.
    const column = document.createElement('div');
    column.style.width = '320px';
    const k = uniqueKey();
    serveThread(k);
    const el = await mount({ thread: k }, column);
    button(el, '#parley-4', 'Reply').click();
    await waitUntil(() => $(el, '#parley-r4-body'));
    button(el, '#parley-3', 'Report').click();
    await waitUntil(() => $(el, '#parley-reason-3'));
    const right = column.getBoundingClientRect().right;
    for (const part of ['#parley-4 form', '#parley-3 form', '[part~=sort]']) {
      for (const child of [$(el, part), ...$(el, part).querySelectorAll('*')])
        expect(child.getBoundingClientRect().right, part).to.be.at.most(right + 0.5);
    }
    expect(el.scrollWidth).to.be.at.most(320);
  });

  it('fits "Reported." on a 320 px phone, after the step and when remembered, nested deepest too', async () => {
    await setViewport({ width: 320, height: 640 });
    try {
      // A blog with a large body font: the note wraps, it does not push past its message.
      const column = document.createElement('div');
      column.style.fontSize = '20px';
      const k = uniqueKey();
      const deep = [6, 7, 8, 9, 10, 11].map((id) =>
        makeMessage(id, { parentId: id - 4 === 2 ? 2 : id - 1 }),
      );
      serveThread(k, {}, [...seedMessages, ...deep]);
      localStorage.setItem('parley:reported', JSON.stringify({ [SERVER]: [2] }));
      route('POST', '/api/messages/11/report', () => new Response(null, { status: 204 }));
      const el = await mount({ thread: k }, column);
      button(el, '#parley-11', 'Report').click();
      await waitUntil(() => $(el, '#parley-reason-11'));
      button(el, '#parley-11 form', 'Send report').click();
      await waitUntil(() => $(el, '#parley-11 .done'));
      await el.updateComplete;
      for (const id of [2, 11]) {
        expect(text($(el, `#parley-${id} .done`))).to.equal(
          'Reported. A moderator will look at it.',
        );
        const message = $(el, `#parley-${id}`).getBoundingClientRect().right;
        for (const node of $$(el, `#parley-${id} [part~=actions], #parley-${id} [part~=actions] *`))
          expect(node.getBoundingClientRect().right, `#parley-${id}`).to.be.at.most(message + 0.5);
      }
      expect(document.documentElement.scrollWidth).to.be.at.most(320);
      await expect(el).to.be.accessible();
    } finally {
      await setViewport({ width: 390, height: 844 });
    }
  });

  it('gives reply mail’s box and address 44 px and fits them, error included, in a 320 px column', async () => {
    // A server of its own: whether it sends reply mail is asked once per server and page.
    const server = 'https://phone-mail.parley.test/';
    serveFeatures({ replyMail: true });
    const column = document.createElement('div');
    column.style.width = '320px';
    const k = uniqueKey();
    serveThread(k);
    const el = await mount({ thread: k, server }, column);
    $(el, '#parley-author').focus();
    await askReplyMail(server);
    await el.updateComplete;
    const box = $<HTMLInputElement>(el, '#parley-notify');
    const label = box.closest('label')!.getBoundingClientRect();
    expect(label.height).to.be.at.least(44);
    expect(label.width).to.be.at.least(44);
    // The whole label is the box's target: a tap on its words ticks it.
    box.closest('label')!.click();
    await el.updateComplete;
    expect(box.checked).to.equal(true);
    const field = $(el, '#parley-email').getBoundingClientRect();
    expect(field.height).to.be.at.least(44);

    $<HTMLButtonElement>(el, '#parley-form button.primary').click();
    await waitUntil(() => $(el, '#parley-email-error'));
    const right = column.getBoundingClientRect().right;
    for (const node of [$(el, '.mail'), ...$(el, '.mail').querySelectorAll('*')])
      expect(node.getBoundingClientRect().right, node.id || node.className).to.be.at.most(
        right + 0.5,
      );
    expect(el.scrollWidth).to.be.at.most(320);
    await expect(el).to.be.accessible();
  });
});
