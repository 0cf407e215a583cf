import type { Discussion } from './discussion.ts';

/** A forum thread: a build broken by an upgrade, the cause found, two fixes compared. */
export const node22Build: Discussion = {
  name: 'node-22-build (English, forum)',
  language: 'en',
  title: 'Build fails after upgrading CI to Node 22 (ERR_REQUIRE_ESM)',
  opening: true,
  posts: [
    {
      author: 'Marta',
      body: `After upgrading our CI runners from Node 20 to Node 22, the production build fails with ERR_REQUIRE_ESM as soon as webpack loads its config. Locally everything still works on Node 20.

\`\`\`
Error [ERR_REQUIRE_ESM]: require() of ES Module /app/node_modules/remark-emoji/index.js not supported.
\`\`\`

Has anyone seen this, and is it webpack or Node?`,
    },
    { author: 'Kenji', body: 'Same here. Our pipeline broke the same way on Monday.' },
    {
      author: 'Lucas',
      body: `It is neither, really: the error comes from a CommonJS config file that requires a package which is now ESM-only. Node 22 can load ESM through \`require()\`, but only when the module has no top-level await, and that plugin has one.

Check which dependency moved to ESM in your lockfile.`,
    },
    {
      author: 'Marta',
      body: 'Thanks! You were right: the culprit is the latest major version of our markdown plugin, which dropped its CommonJS build.',
    },
    {
      author: 'Priya',
      body: `> Support for require(esm) is enabled by default from Node.js 22.12 onwards.

Renaming \`webpack.config.js\` to \`webpack.config.mjs\` and switching its requires to imports fixed it for us.`,
    },
    { author: 'Tom', body: '+1' },
    {
      author: 'Lucas',
      body: 'Pinning the plugin to its previous major version is a quick fix, but converting the webpack config to ESM is the one that lasts.',
    },
    {
      author: 'Kenji',
      body: 'Converting the config to ESM worked for us too, and the build is green again on Node 22.',
    },
    {
      author: 'Marta',
      body: "I'll convert our config to ESM and mark this as solved. Thanks, everyone!",
    },
  ],
  mustContain: ['the production build fails with ERR_REQUIRE_ESM', 'config to ESM'],
  mustNotContain: [
    'Same here',
    '+1',
    'Support for require(esm) is enabled by default',
    'require() of ES Module',
    'Thanks, everyone',
  ],
};
