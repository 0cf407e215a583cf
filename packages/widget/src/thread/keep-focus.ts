/**
 * Keeping the reader's focus through a live change of `<parley-thread>`
 * (part of the live chunk, `live.ts`). Replies are rendered unkeyed, so a
 * message landing above shifts each message's DOM into the next element: the
 * reply box the reader types in is rebuilt elsewhere, and the focused field
 * is gone. Its text lives in its ReplyForm (the new field is filled from it);
 * what is lost is the focus itself, the caret and the field's scroll, which
 * {@link FocusKept.restore} gives back.
 */

/** What the reader had focused in the thread before a live change. */
export interface FocusKept {
  /** The focused element, if it is on screen: what the scroll is anchored on. */
  readonly onScreen: HTMLElement | undefined;
  /** Focuses the same element (by id) again if the change took the focus away. */
  restore(): void;
}

type Field = HTMLInputElement | HTMLTextAreaElement;
const isField = (el: Element): el is Field =>
  el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement;

/**
 * Notes what is focused in `root`, if anything. After the change,
 * `restore()` focuses the element of the same id (caret, selection and
 * scroll as they were); should it be gone (its message removed), the nearest
 * message that is left, after it, else before it.
 */
export function keepFocus(root: ShadowRoot): FocusKept | undefined {
  const focused = root.activeElement as HTMLElement | null;
  if (!focused) return;
  const id = focused.id;
  const field = isField(focused) ? focused : undefined;
  const caret = field && {
    start: field.selectionStart,
    end: field.selectionEnd,
    direction: field.selectionDirection ?? undefined,
    scroll: field.scrollTop,
  };
  const messages = [...root.querySelectorAll('article')];
  const at = messages.findIndex((a) => a.contains(focused));
  const ids = messages.map((a) => a.id);
  const r = focused.getBoundingClientRect();
  return {
    onScreen: id && r.bottom > 0 && r.top < innerHeight ? focused : undefined,
    restore() {
      // Still focused, or the focus is elsewhere now (the reader's own doing): left alone.
      const outside = document.activeElement;
      if (root.activeElement || (outside && outside !== document.body && outside !== root.host))
        return;
      const again = id ? root.getElementById(id) : null;
      if (again) {
        again.focus({ preventScroll: true });
        if (caret && isField(again) && caret.start !== null) {
          again.setSelectionRange(caret.start, caret.end ?? caret.start, caret.direction);
          again.scrollTop = caret.scroll;
        }
        return;
      }
      if (at < 0) return;
      // Gone with its message: the nearest message left takes the focus, after it, else before.
      const near = [...ids.slice(at), ...ids.slice(0, at).reverse()]
        .map((x) => x && root.getElementById(x))
        .find(Boolean);
      if (!near) return;
      near.tabIndex = -1;
      near.focus({ preventScroll: true });
    },
  };
}
