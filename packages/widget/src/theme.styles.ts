import { css } from 'lit';

/**
 * The theme every Parley element shares (`<parley-thread>`, `<parley-count>`,
 * `<parley-card>`, `<parley-threads>`): the `--parley-*` custom properties with
 * their light and dark defaults, and the `theme` attribute (`light`, `dark`,
 * `auto` following `prefers-color-scheme`). One sheet, so a property means the
 * same, with the same default, on each element, and a page that sets it once
 * on `:root` styles them all. Elements are blocks that wrap long words (a
 * long URL in a title), unless their own sheet says otherwise.
 */
export const theme = css`
  :host {
    display: block;
    overflow-wrap: anywhere;
    --parley-accent: #2f5fd0;
    --parley-on-accent: #fff;
    --parley-danger: #b42318;
    --parley-success: #1f8a4c;
    --parley-star: #c98a00;
    --parley-surface: color-mix(in srgb, currentColor 4%, transparent);
    --parley-border: color-mix(in srgb, currentColor 16%, transparent);
    --parley-muted: color-mix(in srgb, currentColor 66%, transparent);
    --parley-highlight: color-mix(in srgb, #f5b400 10%, transparent);
    --parley-radius: 0.5rem;
    --parley-space: 1rem;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      --parley-accent: #8fb0ff;
      --parley-on-accent: #0b1220;
      --parley-danger: #ff8a80;
      --parley-success: #4cc38a;
      --parley-star: #ffcc4d;
      color-scheme: dark;
    }
  }
  :host([theme='dark']) {
    --parley-accent: #8fb0ff;
    --parley-on-accent: #0b1220;
    --parley-danger: #ff8a80;
    --parley-success: #4cc38a;
    --parley-star: #ffcc4d;
    color-scheme: dark;
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([hidden]) {
    display: none;
  }
`;
