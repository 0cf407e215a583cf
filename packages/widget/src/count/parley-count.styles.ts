import { css } from 'lit';

/** Styles of `<parley-count>`: inline text in the page's font and colour. */
export const countStyles = css`
  :host {
    display: inline;
  }
  /* The page's text colour (or its link's, around the badge): a badge is part of a post list's line. */
  a {
    color: inherit;
  }
  /* Room for "12 comments" while it loads, so a post list does not reflow when the counts arrive. */
  .busy {
    display: inline-block;
    min-inline-size: 6ch;
    color: var(--parley-muted);
  }
`;
