/**
 * Never bundled: `tsc` (this package's typecheck) proves that
 * `@parley/widget/react` types the elements in JSX, so a wrong attribute
 * value or event detail fails the build of an app that uses them.
 */
import type { ParleyThread } from '@parley/widget';
import type {} from '@parley/widget/react';

// HTMLElementTagNameMap: the DOM's own lookups return the element's class.
export const found: ParleyThread | null = document.querySelector('parley-thread');
export const made = document.createElement('parley-thread');
// @ts-expect-error: the property is typed as the attribute is
made.theme = 'purple';

export const right = (
  <parley-thread
    theme="dark"
    sort="newest"
    page-size="50"
    onparley-error={(event) => console.log(event.detail.code)}
  />
);

// @ts-expect-error: theme is auto, light or dark
export const wrongTheme = <parley-thread theme="purple" />;

// @ts-expect-error: page-size is a number
export const wrongPageSize = <parley-thread page-size="twenty" />;

export const wrongDetail = (
  <parley-thread
    // @ts-expect-error: the detail of parley-thread-loaded has no `count`
    onparley-thread-loaded={(event) => console.log(event.detail.count)}
  />
);

// @ts-expect-error: no such element is registered
export const unknownElement = <parley-thred />;
