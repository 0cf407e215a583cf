/**
 * The packages as someone outside this repository gets them: both built and
 * packed by `node scripts/pack.mjs` (the Dockerfile's command), installed from
 * their tarballs with npm into an empty folder laid out by deploy/package.json
 * (as the image installs them), and used from there:
 *
 * - the server's command prints its version, serves the API, `/widget.js` and
 *   its lazy chunks, `/admin` and `/admin.js` from the copy packed inside it,
 *   takes a post and reads it back, passes the image's HEALTHCHECK, and
 *   refuses a database a newer version migrated;
 * - the widget package resolves, its types compile in a strict consumer, and
 *   Vite bundles an app that imports it, whose page shows a thread from the
 *   installed server in Chromium;
 * - the systemd unit verifies against the installed command;
 * - no packed file names a file the package lacks (a module, a source map);
 * - npm refuses to pack either package from its folder (only pnpm writes
 *   their publishConfig into the packed manifest).
 *
 * Slow by nature (npm compiles better-sqlite3, about 75 s), so it runs after
 * the other end-to-end tests, alone (`--serial` in test/package.json): it
 * rebuilds the packages they serve. Needs the npm registry.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@parley/server/testing/free-port';
import { type ListeningServer, startListening } from '@parley/server/testing/server-process';
import type { Browser } from 'playwright-core';
import { launchChromium, watchProblems } from './support/example.ts';
import {
  healthcheckCommand,
  INSTALL_MANIFEST,
  NPM_INSTALL,
  PACK_COMMAND,
  ROOT,
  readDockerfile,
} from './support/packing.ts';

/** Bound on each slow step (packing, npm install): generous, it only stops a hung test. */
const STEP_DEADLINE_MS = 10 * 60_000;

const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'packages/server/package.json'), 'utf8')) as {
    version: string;
  }
).version;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (bounded), capturing its output. */
function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; deadlineMs?: number },
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')}: not done in time:\n${stdout}\n${stderr}`));
    }, options.deadlineMs ?? STEP_DEADLINE_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Like {@link run}, and fails unless the command exits 0. */
async function runOk(...args: Parameters<typeof run>): Promise<Ran> {
  const result = await run(...args);
  assert.equal(
    result.code,
    0,
    `${args[0]} ${args[1].join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`,
  );
  return result;
}

/** The file names in a tarball. */
async function listTarball(path: string): Promise<string[]> {
  const { stdout } = await runOk('tar', ['-tzf', path], { cwd: ROOT });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((name) => name.replace(/^package\//, ''));
}

/** The package.json packed in a tarball. */
async function packedManifest(path: string): Promise<Record<string, unknown>> {
  const { stdout } = await runOk('tar', ['-xzOf', path, 'package/package.json'], { cwd: ROOT });
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** Every file below `dir`, as absolute paths. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesBelow(path) : [path];
  });
}

/** The string leaves of a manifest field (`bin`, `exports` with its conditions, `types`). */
function pathsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(pathsIn);
  return [];
}

/**
 * What the package unpacked in `root` names but does not carry, as
 * `file -> reference`: the paths its manifest's entry points give, and in its
 * JavaScript and declarations every relative module specifier (imports,
 * dynamic imports, re-exports), `new URL('./x', import.meta.url)` and
 * source map comment. A declaration's `./x.js` or `./x.ts` may be its
 * `./x.d.ts`, as TypeScript resolves it.
 */
function missingReferences(root: string): string[] {
  const missing: string[] = [];
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  for (const field of ['main', 'module', 'types', 'bin', 'exports', 'customElements']) {
    for (const path of pathsIn(manifest[field])) {
      if (!existsSync(resolve(root, path))) missing.push(`package.json ${field} -> ${path}`);
    }
  }
  const specifier = /\b(?:from|import)\s*\(?\s*(['"`])(\.{1,2}\/[^'"`]+)\1/g;
  const url = /\bnew URL\(\s*(['"`])(\.{1,2}\/[^'"`]+)\1\s*,\s*import\.meta\.url/g;
  const sourceMap = /[#@]\s*sourceMappingURL=(?!data:)(\S+)/g;
  for (const file of filesBelow(root).filter((f) => /\.(m?js|d\.ts)$/.test(f))) {
    const text = readFileSync(file, 'utf8');
    const references = [
      ...[...text.matchAll(specifier), ...text.matchAll(url)].map((m) => m[2]!),
      ...[...text.matchAll(sourceMap)].map((m) => m[1]!),
    ];
    for (const reference of references) {
      // A template (`./widget/${l}-<hash>.js`, the locale chunks) names each file it can expand to.
      if (reference.includes('${')) {
        const dir = dirname(resolve(dirname(file), reference));
        const name = new RegExp(
          `^${reference
            .split('/')
            .at(-1)!
            .split(/\$\{[^}]*\}/)
            .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
            .join('[^/]+')}$`,
        );
        const expansions = existsSync(dir) ? readdirSync(dir).filter((f) => name.test(f)) : [];
        if (expansions.length === 0) missing.push(`${relative(root, file)} -> ${reference}`);
        continue;
      }
      const target = resolve(dirname(file), reference);
      const candidates = file.endsWith('.d.ts')
        ? [target, target.replace(/\.[mc]?[jt]s$/, '.d.ts')]
        : [target];
      if (!candidates.some((c) => existsSync(c))) {
        missing.push(`${relative(root, file)} -> ${reference}`);
      }
    }
  }
  return missing;
}

/** Serves the files below `dir` on 127.0.0.1 (a site built by the app's bundler). */
async function staticSite(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('missingReferences, the check that a packed file names nothing the package lacks', () => {
  it('finds a dangling source map comment, import, dynamic import, URL and entry point, and passes what is there', (t) => {
    const root = mkdtempSync(join(tmpdir(), 'parley-references-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const files: Record<string, string> = {
      'package.json': JSON.stringify({
        bin: { x: './bin/x.mjs' },
        exports: {
          '.': { types: './dist/index.d.ts', default: './dist/index.js' },
          './wire': './dist/wire.js',
        },
      }),
      'bin/x.mjs': "import '../dist/index.js';\n",
      'dist/index.js':
        "export * from './chunk.js';\nimport('./lazy.js');\nnew URL('./worker.js', import.meta.url);\n//# sourceMappingURL=index.js.map\n",
      'dist/chunk.js': "import { a } from './gone.js';\n",
      'dist/index.d.ts': "export * from './chunk.ts';\nexport * from './types/wire.js';\n",
      'dist/chunk.d.ts': '',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    assert.deepEqual(missingReferences(root).sort(), [
      'dist/chunk.js -> ./gone.js',
      'dist/index.d.ts -> ./types/wire.js',
      'dist/index.js -> ./lazy.js',
      'dist/index.js -> ./worker.js',
      'dist/index.js -> index.js.map',
      'package.json exports -> ./dist/wire.js',
    ]);
  });
});

describe('packing with npm rather than pnpm', () => {
  for (const dir of ['packages/server', 'packages/widget']) {
    it(`is refused in ${dir} by its prepack, before anything is packed or published`, async (t) => {
      const out = mkdtempSync(join(tmpdir(), 'parley-npm-pack-'));
      t.after(() => rmSync(out, { recursive: true, force: true }));
      const refusal = /is packed with pnpm only \(this is npm\)/;
      // As `npm test` runs it: inside pnpm, whose user agent npm inherits as its own setting.
      const env = { ...process.env, npm_config_user_agent: 'pnpm/12.4.2 npm/? node/? linux x64' };
      const packed = await run('npm', ['pack', '--pack-destination', out], {
        cwd: join(ROOT, dir),
        env,
      });
      assert.notEqual(packed.code, 0, packed.stdout);
      assert.match(packed.stderr, refusal);
      assert.deepEqual(readdirSync(out), [], 'no tarball');
      // --dry-run: were the refusal gone, npm would still publish nothing.
      const published = await run('npm', ['publish', '--dry-run'], { cwd: join(ROOT, dir), env });
      assert.notEqual(published.code, 0, published.stdout);
      assert.match(published.stderr, refusal);
    });
  }
});

describe('the packed packages, installed from their tarballs into an empty folder', {
  timeout: 30 * 60_000,
}, () => {
  const work = mkdtempSync(join(tmpdir(), 'parley-packed-'));
  const app = join(work, 'app');
  let serverTarball: string;
  let widgetTarball: string;
  /** The installed command, as `npx parley-server` runs it. */
  const bin = join(app, 'node_modules/.bin/parley-server');
  /** The installed server's SQLite database. */
  const database = join(work, 'data', 'parley.db');

  before(async () => {
    const packed = await runOk(
      PACK_COMMAND[0],
      [...PACK_COMMAND.slice(1), join(work, 'tarballs')],
      {
        cwd: ROOT,
      },
    );
    const tarballs = packed.stdout.trim().split('\n');
    serverTarball = tarballs.find((t) => /parley-server-[^/]+\.tgz$/.test(t))!;
    widgetTarball = tarballs.find((t) => /parley-widget-[^/]+\.tgz$/.test(t))!;
    assert.ok(serverTarball && widgetTarball, `pack printed ${packed.stdout}`);
    mkdirSync(app);
    copyFileSync(join(ROOT, INSTALL_MANIFEST), join(app, 'package.json'));
    // The npm cache of this machine is reused; better-sqlite3 compiles here.
    await runOk(NPM_INSTALL[0], [...NPM_INSTALL.slice(1), serverTarball, widgetTarball], {
      cwd: app,
    });
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  describe('what is packed', () => {
    it('the server: built JavaScript, declarations and the built widget; no sources, tests or maps', async () => {
      const files = await listTarball(serverTarball);
      for (const file of [
        'package.json',
        'bin/packaged.mjs',
        'dist/main.js',
        'dist/index.js',
        'dist/wire.js',
        'dist/types/index.d.ts',
        'dist/types/wire.d.ts',
        'widget/widget.js',
        'widget/admin.js',
      ]) {
        assert.ok(files.includes(file), `${file} is packed`);
      }
      assert.ok(files.some((f) => /^widget\/widget\/thread-actions-[\w-]+\.js$/.test(f)));
      const stray = files.filter(
        (f) =>
          f.startsWith('src/') ||
          /\.test\.|testing|\.map$/.test(f) ||
          (f.endsWith('.ts') && !f.endsWith('.d.ts')),
      );
      assert.deepEqual(stray, []);
      assert.ok(files.every((f) => /^(package\.json|bin\/packaged\.mjs|dist\/|widget\/)/.test(f)));
    });

    it('names no file it lacks: no source map comment, import or entry point points nowhere', async () => {
      for (const [name, tarball] of [
        ['server', serverTarball],
        ['widget', widgetTarball],
      ] as const) {
        const dir = join(work, 'unpacked', name);
        mkdirSync(dir, { recursive: true });
        await runOk('tar', ['-xzf', tarball, '-C', dir], { cwd: ROOT });
        assert.deepEqual(missingReferences(join(dir, 'package')), [], `@parley/${name}`);
      }
    });

    it("the server's manifest: exports and bin point at the build; tsx is no dependency", async () => {
      const manifest = await packedManifest(serverTarball);
      assert.deepEqual(manifest.bin, { 'parley-server': './bin/packaged.mjs' });
      assert.deepEqual(manifest.exports, {
        '.': { types: './dist/types/index.d.ts', default: './dist/index.js' },
        './wire': { types: './dist/types/wire.d.ts', default: './dist/wire.js' },
        './package.json': './package.json',
      });
      assert.equal((manifest.dependencies as Record<string, string>).tsx, undefined);
      assert.equal(manifest.version, VERSION);
    });

    it('the widget: its module build with declarations and custom-elements.json; no sources', async () => {
      const files = await listTarball(widgetTarball);
      for (const file of [
        'dist/lib/index.js',
        'dist/lib/index.d.ts',
        'dist/lib/wire.d.ts',
        'custom-elements.json',
      ]) {
        assert.ok(files.includes(file), `${file} is packed`);
      }
      assert.deepEqual(
        files.filter((f) => f.startsWith('src/') || /\.test\.|\.map$/.test(f)),
        [],
      );
      const manifest = await packedManifest(widgetTarball);
      assert.deepEqual((manifest.exports as Record<string, unknown>)['.'], {
        types: './dist/lib/index.d.ts',
        default: './dist/lib/index.js',
      });
      // Lit is the app's to share, not bundled in; the server is no dependency at all.
      assert.ok((manifest.dependencies as Record<string, string>).lit);
      assert.equal((manifest.dependencies as Record<string, string>)['@parley/server'], undefined);
      // Its only peers are the optional ones its React and Vue typings read.
      assert.deepEqual(Object.keys(manifest.peerDependencies ?? {}), ['@types/react', 'vue']);
      assert.deepEqual(manifest.peerDependenciesMeta, {
        '@types/react': { optional: true },
        vue: { optional: true },
      });
    });
  });

  it('`npx parley-server --version` prints the version, as the checkout does from its sources and its bundle', async () => {
    const expected = `parley-server ${VERSION}\n`;
    const installed = await runOk('npx', ['--no-install', 'parley-server', '--version'], {
      cwd: app,
    });
    assert.equal(installed.stdout, expected);
    const server = join(ROOT, 'packages/server');
    const viaMain = (module: string) =>
      `const { main } = await import(${JSON.stringify(module)}); process.exitCode = await main(['--version'], {});`;
    const sources = await runOk(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', viaMain(join(server, 'src/main.ts'))],
      { cwd: server },
    );
    assert.equal(sources.stdout, expected);
    const bundle = await runOk(
      process.execPath,
      ['--input-type=module', '-e', viaMain(join(server, 'dist/main.js'))],
      { cwd: server },
    );
    assert.equal(bundle.stdout, expected);
  });

  it('the systemd unit verifies against the installed command (systemd-analyze verify)', async (t) => {
    const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find(existsSync);
    if (!analyze) {
      const message = 'systemd-analyze is missing: deploy/parley.service is not verified';
      if (process.env.CI) assert.fail(`${message}; CI runs every check.`);
      console.warn(`\n!!! ${message}\n`);
      t.skip(message);
      return;
    }
    // The unit as written, but for where this test installed the command.
    const unit = readFileSync(join(ROOT, 'deploy/parley.service'), 'utf8');
    const execStart = /^ExecStart=\/opt\/parley\//m;
    assert.match(unit, execStart);
    const dir = join(work, 'systemd');
    mkdirSync(dir);
    writeFileSync(join(dir, 'parley.service'), unit.replace(execStart, `ExecStart=${app}/`));
    const verified = await run(analyze, ['verify', join(dir, 'parley.service')], { cwd: dir });
    assert.equal(verified.code, 0, verified.stderr);
    assert.equal(verified.stderr, '', 'systemd-analyze has nothing to say about the unit');
  });

  describe('in use from the install folder', () => {
    let server: ListeningServer;
    const origin = { url: '' };
    let site: Awaited<ReturnType<typeof staticSite>>;
    /** The app's own site, inside it: its imports resolve from the app's node_modules. */
    const web = join(app, 'web');

    before(async () => {
      mkdirSync(web);
      site = await staticSite(join(web, 'dist'));
      origin.url = site.url;
      server = await startListening(
        {
          DATABASE_URL: database,
          PARLEY_PROOF_OF_WORK: 'off',
          PARLEY_VERIFY_URLS: 'off',
          PARLEY_ORIGINS: site.url,
        },
        { script: bin, cwd: app },
      );
    });

    after(async () => {
      await server?.stop();
      await site?.close();
    });

    it('serves the widget packed inside it, found without PARLEY_WIDGET_DIR', async () => {
      const listening = await server.waitForLog('listening');
      assert.equal(listening.widget, realpathSync(join(app, 'node_modules/@parley/server/widget')));
    });

    it('answers /healthz with its version and its database', async () => {
      const res = await fetch(`${server.url}/healthz`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: 'ok', version: VERSION, database: 'ok' });
    });

    it('serves /widget.js and a lazy chunk it loads, cross-origin', async () => {
      const widget = await fetch(`${server.url}/widget.js`);
      assert.equal(widget.status, 200);
      assert.match(widget.headers.get('Content-Type') ?? '', /javascript/);
      assert.equal(widget.headers.get('Access-Control-Allow-Origin'), '*');
      const chunk = /widget\/thread-actions-[\w-]+\.js/.exec(await widget.text())?.[0];
      assert.ok(chunk, 'widget.js names its actions chunk');
      const lazy = await fetch(`${server.url}/${chunk}`);
      assert.equal(lazy.status, 200);
      assert.match(await lazy.text(), /\S/);
    });

    it('serves /admin and /admin.js', async () => {
      const page = await fetch(`${server.url}/admin`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<script type="module" src="\/admin\.js">/);
      const script = await fetch(`${server.url}/admin.js`);
      assert.equal(script.status, 200);
      assert.match(await script.text(), /parley-admin/);
    });

    it('takes a post and reads it back', async () => {
      const path = `/api/threads/${encodeURIComponent('/packed/hello')}`;
      const posted = await fetch(`${server.url}${path}/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ author: 'Packed Reader', body: 'Hello from the **tarball**' }),
      });
      assert.equal(posted.status, 201, await posted.clone().text());
      const read = (await (await fetch(`${server.url}${path}`)).json()) as {
        messages: Array<{ author: { name: string }; html: string }>;
      };
      assert.equal(read.messages.length, 1);
      assert.equal(read.messages[0]!.author.name, 'Packed Reader');
      assert.match(read.messages[0]!.html, /Hello from the <strong>tarball<\/strong>/);
    });

    it("passes the image's HEALTHCHECK command, which fails where nothing answers", async () => {
      const [command, ...args] = healthcheckCommand(readDockerfile());
      const port = new URL(server.url).port;
      const healthy = await run(command!, args, { cwd: app, env: { ...process.env, PORT: port } });
      assert.equal(healthy.code, 0, healthy.stderr);
      const nobody = String(await freePort());
      const down = await run(command!, args, { cwd: app, env: { ...process.env, PORT: nobody } });
      assert.equal(down.code, 1);
    });

    it('the widget package resolves from the app, with its declarations beside it', () => {
      const require = createRequire(join(app, 'package.json'));
      const entry = require.resolve('@parley/widget');
      assert.equal(entry, realpathSync(join(app, 'node_modules/@parley/widget/dist/lib/index.js')));
      assert.ok(existsSync(entry.replace(/\.js$/, '.d.ts')));
      assert.ok(existsSync(require.resolve('@parley/widget/custom-elements.json')));
    });

    it("the widget's and the server's types compile in a strict consumer (skipLibCheck off)", async () => {
      writeFileSync(
        join(app, 'widget-consumer.ts'),
        `import { ParleyThread } from '@parley/widget';
const thread = document.createElement('parley-thread');
const same: ParleyThread = thread;
thread.addEventListener('parley-message-posted', (event) => {
  const id: number = event.detail.message.id;
  // @ts-expect-error: an id is a number, so the wire types came along (not any).
  const wrong: string = event.detail.message.id;
  console.log(id, wrong, same);
});
`,
      );
      writeFileSync(
        join(app, 'server-consumer.ts'),
        `import { createApp, type Message } from '@parley/server';
import type { Thread } from '@parley/server/wire';
export function titleOf(thread: Thread, message: Message): string {
  return \`\${thread.title ?? thread.key}: \${message.id}\`;
}
export const app: typeof createApp = createApp;
`,
      );
      const strict = {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        target: 'ES2022',
      };
      writeFileSync(
        join(app, 'tsconfig.widget.json'),
        JSON.stringify({
          compilerOptions: {
            ...strict,
            module: 'ESNext',
            moduleResolution: 'Bundler',
            lib: ['ES2023', 'DOM', 'DOM.Iterable'],
            types: [],
          },
          files: ['widget-consumer.ts'],
        }),
      );
      writeFileSync(
        join(app, 'tsconfig.server.json'),
        JSON.stringify({
          compilerOptions: {
            ...strict,
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            lib: ['ES2023'],
            types: ['node'],
            // Node's types are the app's to have; the workspace's stand in for them.
            typeRoots: [join(ROOT, 'node_modules/@types')],
          },
          files: ['server-consumer.ts'],
        }),
      );
      const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
      for (const project of ['tsconfig.widget.json', 'tsconfig.server.json']) {
        await runOk(process.execPath, [tsc, '-p', project], { cwd: app });
      }
    });

    it("Vite bundles an app that imports '@parley/widget'; its page shows the installed server's thread", async () => {
      writeFileSync(
        join(web, 'index.html'),
        `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>An app</title><script type="module" src="./main.js"></script></head>
<body><parley-thread server="${server.url}" thread="/packed/hello"></parley-thread></body>
</html>
`,
      );
      writeFileSync(
        join(web, 'main.js'),
        "import { ParleyThread } from '@parley/widget';\nwindow.parleyThread = ParleyThread;\n",
      );
      // Vite from the workspace; '@parley/widget' resolves from the app's node_modules.
      const vite = join(ROOT, 'packages/widget/node_modules/vite/bin/vite.js');
      await runOk(
        process.execPath,
        [vite, 'build', '--logLevel', 'warn', '--outDir', 'dist', '--emptyOutDir', web],
        { cwd: web },
      );
      const built = readFileSync(join(web, 'dist/index.html'), 'utf8');
      assert.match(built, /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
      const browser: Browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const problems = watchProblems(page);
        await page.goto(`${site.url}/`);
        await page
          .locator('parley-thread [part~="thread"]')
          // Exact: the thread's automatic summary quotes the post too (with a full stop).
          .getByText('Hello from the tarball', { exact: true })
          .waitFor({ timeout: 15_000 });
        assert.equal(
          await page.evaluate(
            () =>
              customElements.get('parley-thread') ===
              (window as unknown as { parleyThread: unknown }).parleyThread,
          ),
          true,
        );
        assert.deepEqual(problems, []);
      } finally {
        await browser.close();
      }
    });
  });

  it('refuses to start on a database a newer version migrated (docs/upgrading.md)', async () => {
    // The installed package's own driver, as a newer server would have written it.
    const SQLite = createRequire(join(app, 'node_modules/@parley/server/package.json'))(
      'better-sqlite3',
    ) as new (
      file: string,
    ) => {
      prepare(sql: string): { run(...values: string[]): unknown };
      close(): void;
    };
    const db = new SQLite(database);
    db.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run(
      '2099-01-01-future',
      new Date().toISOString(),
    );
    db.close();
    const refused = await run(process.execPath, [bin], {
      cwd: app,
      env: { ...process.env, DATABASE_URL: database, PORT: String(await freePort()) },
    });
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(
      refused.stderr,
      /could not start: migration failed: corrupted migrations: previously executed migration 2099-01-01-future is missing/,
    );
  });
});
