/** The React example's entry: one article with its Parley thread. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Comments } from './comments.tsx';

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <article>
      <h1>Hello, frameworks</h1>
      <p>A React 19 page with a Parley thread under it.</p>
      <Comments thread="/posts/hello/" />
    </article>
  </StrictMode>,
);
