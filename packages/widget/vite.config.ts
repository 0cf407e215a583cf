import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { transform as transformCss } from 'lightningcss';
import { minify } from 'terser';
import { defineConfig, type Plugin, parseSync } from 'vite';

/**
 * Minifies the text of our `html` and `css` tagged templates, which no JS
 * minifier may touch (template text is data). Bytes matter here: the whole
 * eager bundle has a 12 KB brotli budget, Lit included. Newline runs in HTML
 * become one space (HTML collapses them anyway, and our templates have no
 * `<pre>`). A whole style sheet (a `css` template without `${}`) goes through
 * Lightning CSS, Vite's own CSS minifier, with no browser targets, so it
 * lowers nothing (`light-dark()` and `color-mix()` stay as written); a sheet
 * with interpolations loses its comments and the spaces around punctuation.
 */
function minifyTemplates(): Plugin {
  const rules = {
    html: (s: string) => s.replace(/\s*\n\s*/g, ' '),
    css: (s: string, whole: boolean) =>
      whole
        ? transformCss({
            filename: 'template.css',
            code: Buffer.from(s),
            minify: true,
          }).code.toString()
        : s
            .replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/\s+/g, ' ')
            .replace(/\s*([{};,>])\s*/g, '$1')
            .replace(/:\s+/g, ':')
            .replace(/;}/g, '}'),
  };
  return {
    name: 'parley:minify-templates',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/src\/.*\.ts$/.test(id) || id.endsWith('.test.ts')) return;
      const edits: [number, number, string][] = [];
      const walk = (node: unknown): void => {
        if (!node || typeof node !== 'object') return;
        if (Array.isArray(node)) {
          node.forEach(walk);
          return;
        }
        // biome-ignore lint/suspicious/noExplicitAny: a loosely walked ESTree node
        const n = node as Record<string, any>;
        const rule = rules[n.tag?.name as keyof typeof rules];
        if (n.type === 'TaggedTemplateExpression' && rule) {
          for (const q of n.quasi.quasis) {
            // Oxc's span includes the delimiters: "`" or "}" before, "${" or "`" after.
            const start = q.start + 1;
            const end = q.end - (q.tail ? 1 : 2);
            // The offsets must address the raw text exactly, or we would corrupt the file.
            if (code.slice(start, end) !== q.value.raw) throw new Error(`${id}: bad offsets`);
            edits.push([start, end, rule(q.value.raw, n.quasi.quasis.length === 1)]);
          }
        }
        for (const key in n) if (key !== 'parent') walk(n[key]);
      };
      walk(parseSync(id, code, { lang: 'ts' }).program);
      let out = code;
      for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0]))
        out = out.slice(0, start) + text + out.slice(end);
      return { code: out, map: null };
    },
  };
}

/**
 * Fails the build unless the proof-of-work solver is a chunk of its own that
 * imports nothing: its text is also its worker's script, run from a blob URL,
 * where no import would be allowed or resolve (see `src/thread/pow-solver.ts`).
 * A shared chunk split out of it later would break the worker silently.
 */
function selfContainedSolver(): Plugin {
  return {
    name: 'parley:self-contained-solver',
    generateBundle(_options, bundle) {
      const isSolver = (id: string | null) => Boolean(id?.endsWith('/src/thread/pow-solver.ts'));
      // Only the widget build has it (the admin build reuses these plugins).
      if (![...this.getModuleIds()].some(isSolver)) return;
      const solver = Object.values(bundle).find(
        (c) => c.type === 'chunk' && isSolver(c.facadeModuleId),
      );
      if (solver?.type !== 'chunk') {
        this.error('src/thread/pow-solver.ts must build into a chunk of its own.');
      }
      const imports = [...solver.imports, ...solver.dynamicImports];
      if (imports.length > 0) {
        this.error(
          `${solver.fileName} must import nothing (its text runs as a blob worker), ` +
            `but imports ${imports.join(', ')}.`,
        );
      }
    },
  };
}

/**
 * One hash for every chunk of a build, in their names (`widget/<name>-<hash>.js`):
 * the sources, this config and the lockfile (another minifier could write
 * other bytes), so any change renames every chunk, which the server may then
 * cache as immutable. One hash, not one per chunk, because `/widget.js` names
 * seven chunks it may import: the same six characters seven times cost it
 * about 30 B brotli less than seven random ones. The hash still moves the
 * brotli size: over 300 random hashes in place of the build's, the same
 * `/widget.js` measured 12,258 to 12,327 B (median 12,276), as any small
 * change to its text does. Keep the 12 KB budget's headroom above that.
 */
function buildHash(): string {
  const hash = createHash('sha256');
  const src = new URL('src/', import.meta.url);
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((f) => new URL(f, src))
    .filter((f) => statSync(f).isFile());
  const build = [new URL(import.meta.url), new URL('../../pnpm-lock.yaml', import.meta.url)];
  for (const f of [...files, ...build]) if (existsSync(f)) hash.update(readFileSync(f));
  return hash.digest('base64url').slice(0, 6);
}
const BUILD = buildHash();

/**
 * In `/widget.js` only: the locale chunks as `widget/<locale>-<hash>.js`
 * (the build's one hash), imported through one template
 * (`import(\`./widget/${l}-<hash>.js\`)`) instead of `catalog.ts`'s table of
 * eight imports: about 130 B brotli of the eager budget. Tests and the
 * package's module build keep the table.
 */
function localeChunks(): Plugin {
  const dir = new URL('src/i18n/', import.meta.url);
  let on = false;
  return {
    name: 'parley:locale-chunks',
    enforce: 'pre',
    configResolved(config) {
      on = (config.build.lib || undefined)?.entry === 'src/widget.ts';
    },
    transform(code, id) {
      if (!on || !id.endsWith('/src/i18n/catalog.ts')) return;
      const h = BUILD;
      for (const f of readdirSync(new URL('locales/', dir))) {
        this.emitFile({
          type: 'chunk',
          id: new URL(`locales/${f}`, dir).pathname,
          fileName: `widget/${f.replace(/\.ts$/, '')}-${h}.js`,
        });
      }
      const table = /lazyCatalogs<ReadCatalog>\(en, (\{[^}]*\})\)/;
      if (!table.test(code)) this.error('catalog.ts: its table of locale chunks was not found.');
      return code
        .replace(
          table,
          `lazyCatalogs<ReadCatalog>(en, Object.fromEntries(LOCALES.map((l) => [l, () => import(/* @vite-ignore */ \`./widget/\${l}-${h}.js\`)])) as never)`,
        )
        .replace(/^/, "import { LOCALES } from './locales.js';\n");
    },
  };
}

/**
 * Minifies every chunk once more with Terser, after Rolldown's own minifier:
 * two compress passes find what one pass leaves (inlined constants, merged
 * declarations), about 1% of the eager bundle, bytes the 12 KB budget needs.
 * Output only: no chunk gains an import (the solver stays self-contained).
 */
function terserPass(): Plugin {
  return {
    name: 'parley:terser',
    apply: 'build',
    async generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const out = await minify(chunk.code, {
          module: true,
          ecma: 2022,
          compress: { passes: 3 },
          format: { comments: false },
        });
        if (out.code === undefined) this.error(`terser gave no code for ${chunk.fileName}`);
        chunk.code = out.code;
      }
    },
  };
}

/**
 * Shortens the two developer-facing error messages of Lit's `css` tag (its
 * production build keeps them, 213 characters) to their first clause: a
 * reader never sees them, and a developer gets the full text from Lit's
 * development build. About 80 B brotli of the 12 KB eager budget. Warns, and
 * changes nothing, should a Lit release reword them.
 */
function litErrorText(): Plugin {
  const messages: [string, string][] = [
    [
      '"CSSResult is not constructable. Use `unsafeCSS` or `css` instead."',
      '"CSSResult is not constructable"',
    ],
    [
      `". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security."`,
      '""',
    ],
    [`"Value passed to 'css' function must be a 'css' function result: "`, '"Not a css result: "'],
  ];
  return {
    name: 'parley:lit-error-text',
    apply: 'build',
    transform(code, id) {
      if (!id.endsWith('/@lit/reactive-element/css-tag.js')) return;
      let out = code;
      for (const [long, short] of messages) {
        if (!out.includes(long)) {
          this.warn(`Lit's css-tag.js no longer says ${long}: nothing shortened`);
          return;
        }
        out = out.replace(long, short);
      }
      return { code: out, map: null };
    },
  };
}

/**
 * Builds `/widget.js`: one self-contained ES module with Lit bundled in and no
 * CSS file (styles live in the shadow root). Lazy chunks, such as other
 * locales' catalogs, go under `dist/widget/` and are resolved from
 * `import.meta.url`, so the server can serve the folder as is.
 */
export default defineConfig({
  plugins: [minifyTemplates(), litErrorText(), selfContainedSolver(), localeChunks(), terserPass()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    cssCodeSplit: false,
    modulePreload: false,
    reportCompressedSize: false,
    lib: {
      entry: 'src/widget.ts',
      formats: ['es'],
      fileName: () => 'widget.js',
    },
    rolldownOptions: {
      // Lib mode keeps an entry's exports exactly as written ('strict'), which
      // would move all shared code (Lit, the element) out of widget.js into a
      // chunk of its own: one more request before the thread can render. Let
      // widget.js export what its lazy chunks import from it instead.
      preserveEntrySignatures: 'allow-extension',
      output: {
        chunkFileNames: `widget/[name]-${BUILD}.js`,
        // Vite keeps whitespace and comments in ES library builds (for
        // tree-shaking by the next bundler); this bundle is final.
        minify: true,
        comments: false,
      },
    },
  },
});
