/**
 * Accessibility checks for the browser tests, with axe-core (Deque's rules,
 * WCAG 2.2 A and AA plus best practices), served to the page by the test
 * runner's `parley:axe` plugin.
 *
 * `expectAccessible(el)` checks one element in its current state, shadow
 * roots included, and fails listing every violation with the nodes it found
 * (a selector through the shadow roots and axe's own summary of the fix).
 * `inBothSchemes(check)` runs a check with the page in light, then in dark
 * mode (`prefers-color-scheme`), since the colours differ.
 */
import { emulateMedia } from '@web/test-runner-commands';
import type { AxeResults, RunOptions } from 'axe-core';

declare global {
  interface Window {
    axe?: typeof import('axe-core');
  }
}

/**
 * Rules about a whole page: an element checked on its own in a test page has
 * no landmarks or heading of its page around it. Pages (the moderation page,
 * the examples) are checked whole, with these rules, end to end.
 */
const PAGE_RULES = ['region', 'landmark-one-main', 'page-has-heading-one', 'bypass'];

async function axe() {
  if (!window.axe) await import(/* @vite-ignore */ '/__axe__.js' as string);
  return window.axe!;
}

/** The violations as readable text: rule, impact, help and each node's target. */
function describeViolations(results: Pick<AxeResults, 'violations'>): string {
  return results.violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n` +
        v.nodes.map((n) => `  ${JSON.stringify(n.target)}: ${n.failureSummary}`).join('\n'),
    )
    .join('\n');
}

/**
 * Fails unless axe finds no violation in `el` (an element of a test page).
 * `options.page` also applies the whole-page rules (landmarks, regions), for
 * an element that is its page, such as `<parley-admin>`.
 */
export async function expectAccessible(
  el: Element,
  options: { page?: boolean; label?: string } = {},
): Promise<void> {
  const run: RunOptions = {
    resultTypes: ['violations'],
    runOnly: {
      type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
    },
    rules: options.page ? {} : Object.fromEntries(PAGE_RULES.map((id) => [id, { enabled: false }])),
  };
  const results = await (await axe()).run(options.page ? document : el, run);
  if (results.violations.length > 0) {
    throw new Error(
      `axe found ${results.violations.length} violation(s)${options.label ? ` (${options.label})` : ''}:\n${describeViolations(results)}`,
    );
  }
}

/**
 * Runs `check` with the page in light mode, then in dark mode, and puts the
 * page back in light mode (the runner's default) after, even on a failure.
 * `check` gets the scheme, for its failure messages.
 */
export async function inBothSchemes(check: (scheme: 'light' | 'dark') => Promise<void>) {
  try {
    for (const scheme of ['light', 'dark'] as const) {
      await emulateMedia({ colorScheme: scheme });
      // A style recalculation happens on the next frame; axe reads computed colours.
      await new Promise(requestAnimationFrame);
      await check(scheme);
    }
  } finally {
    await emulateMedia({ colorScheme: 'light' });
  }
}
