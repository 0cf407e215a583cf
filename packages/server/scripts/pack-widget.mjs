#!/usr/bin/env node
// The built widget inside the server package, for `pnpm pack`: `prepack`
// copies the files the server serves from packages/widget/dist (widget.js,
// its widget/ chunks, admin.js) into ./widget/, where an installed package's
// PARLEY_WIDGET_DIR default finds them; `postpack` (`--remove`) deletes the
// copy again. A clone never serves it, even when a failed pack left it here:
// the default looks in widget/ only in a package with no src/ (main.ts,
// `defaultWidgetDir`), so the widget package's current build always wins.
//
// The server never depends on the widget package: the copy is by path, at
// pack time, so `pnpm -r build` keeps its one order (widget after server).
import { cpSync, existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../../widget/dist/', import.meta.url));
const to = fileURLToPath(new URL('../widget/', import.meta.url));
/** What the server serves: entries at the top, their lazy chunks in folders named after them. */
const SERVED = ['widget.js', 'widget', 'admin.js', 'admin'];

rmSync(to, { recursive: true, force: true });
if (process.argv[2] !== '--remove') {
  for (const entry of ['widget.js', 'admin.js']) {
    if (!existsSync(`${from}${entry}`)) {
      console.error(
        `pack-widget: ${from}${entry} is missing: build the widget first ` +
          '(npx -y pnpm@12.4.2 --filter @parley/widget build, or node scripts/pack.mjs)',
      );
      process.exit(1);
    }
  }
  for (const name of SERVED) {
    if (existsSync(`${from}${name}`)) cpSync(`${from}${name}`, `${to}${name}`, { recursive: true });
  }
  console.log(`pack-widget: copied ${SERVED.filter((n) => existsSync(`${to}${n}`)).join(', ')}`);
}
