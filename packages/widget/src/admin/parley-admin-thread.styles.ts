import { css } from 'lit';

/** Styles of `<parley-admin-thread>` beyond the shared card: its edit form. */
export const threadStyles = css`
  .edit-form {
    display: grid;
    gap: 0.75rem;
    padding-block-start: 0.5rem;
  }
  .edit-form input,
  .edit-form textarea {
    width: 100%;
  }
  .edit-form .primary,
  .use-automatic {
    justify-self: start;
  }
  .hint,
  .summary-source {
    margin: 0;
    font-size: 0.875em;
  }
`;
