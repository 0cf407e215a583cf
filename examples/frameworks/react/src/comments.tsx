import '@parley/widget'; // registers <parley-thread>
import type {} from '@parley/widget/react'; // types its attributes and events in JSX
import { useState } from 'react';
import { PARLEY_SERVER } from './parley-server.ts';

/** A post's discussion, with its message count shown by React as soon as it loads. */
export function Comments({ thread }: { thread: string }) {
  const [count, setCount] = useState<number>();
  return (
    <section>
      <h2>Discussion {count === undefined ? '' : `(${count})`}</h2>
      <parley-thread
        server={PARLEY_SERVER}
        thread={thread}
        page-size={20}
        onparley-thread-loaded={(event) => setCount(event.detail.thread?.messageCount ?? 0)}
      />
    </section>
  );
}
