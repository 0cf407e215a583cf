import { css } from 'lit';

/**
 * The theme every Parley element shares (`<parley-thread>`, `<parley-count>`,
 * `<parley-card>`, `<parley-threads>`): the `--parley-*` custom properties with
 * their light and dark defaults, and the `theme` attribute (`light`, `dark`,
 * `auto` following the page's `color-scheme`). One sheet, so a property means the
 * same, with the same default, on each element, and a page that sets it once
 * on `:root` styles them all. Elements are blocks that wrap long words (a
 * long URL in a title), unless their own sheet says otherwise.
 */
export const theme = css`
  /* Light or dark by the used colour-scheme, which the host inherits from
     the page: theme=auto follows the page (a light page stays light on a
     dark OS; one declaring "color-scheme: light dark" follows the OS), and
     the theme attribute sets it. light-dark(): Chromium 123, Firefox 120, Safari 17.5. */
  :host {
    --parley-accent: light-dark(#2f5fd0, #8fb0ff);
    --parley-on-accent: light-dark(#fff, #0b1220);
    --parley-danger: light-dark(#b42318, #ff8a80);
    --parley-success: light-dark(#1f8a4c, #4cc38a);
    --parley-star: light-dark(#b07800, #ffcc4d);
    --parley-surface: color-mix(in srgb, currentColor 4%, transparent);
    --parley-border: color-mix(in srgb, currentColor 16%, transparent);
    --parley-muted: color-mix(in srgb, currentColor 66%, transparent);
    --parley-highlight: color-mix(in srgb, #f5b400 10%, transparent);
    --parley-radius: 0.5rem;
    --parley-space: 1rem;
    display: block;
    overflow-wrap: anywhere;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([hidden]) {
    display: none;
  }
`;
