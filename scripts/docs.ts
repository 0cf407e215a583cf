// `npm run docs`: regenerates the docs that are made from code, so they cannot
// disagree with it. `npm run docs:check` (a step of `npm test`) regenerates them
// in memory and fails, naming the file and section, when anything committed differs.
//
// Each entry of `OUTPUTS` is one generated file, or one section of a file
// between `<!-- generated: NAME (npm run docs) -->` and `<!-- end generated: NAME -->`.
// Adding a generated section is one line there.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { settingsMarkdown } from '../packages/server/src/settings-docs.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WIDGET = join(ROOT, 'packages/widget');

/** A generated file (`section` unset) or a section of one. Paths are from the repo root. */
interface Output {
  file: string;
  section?: string;
  render: () => Promise<string>;
}

const OUTPUTS: Output[] = [
  { file: 'README.md', section: 'settings', render: async () => `\n${settingsMarkdown()}\n` },
  { file: 'packages/widget/custom-elements.json', render: async () => manifestJson() },
  {
    file: 'README.md',
    section: 'elements',
    render: async () => elementsMarkdown(await manifest(), ['parley-thread'], { level: 4 }),
  },
  { file: 'README.md', section: 'frameworks', render: async () => frameworkSnippets() },
  { file: 'packages/widget/types/react.d.ts', render: async () => frameworkTypes('react') },
  { file: 'packages/widget/types/vue.d.ts', render: async () => frameworkTypes('vue') },
  {
    file: 'README.md',
    section: 'index-elements',
    render: async () =>
      elementsMarkdown(await manifest(), ['parley-count', 'parley-card', 'parley-threads'], {
        level: 4,
        titled: true,
      }),
  },
  {
    file: 'packages/widget/README.md',
    section: 'elements',
    render: async () =>
      elementsMarkdown(
        await manifest(),
        ['parley-thread', 'parley-count', 'parley-card', 'parley-threads', 'parley-admin'],
        {
          level: 3,
          titled: true,
        },
      ),
  },
];

// ---- the Custom Elements Manifest --------------------------------------------

/** The parts of the manifest (schema 1.0.0) the tables read. */
interface Documented {
  name: string;
  description?: string;
  default?: string;
}
/** A type as the manifest writes it. */
interface TypeText {
  text: string;
}
interface ElementDoc {
  tagName: string;
  attributes?: (Documented & { fieldName?: string; type?: TypeText })[];
  events?: (Documented & { type?: TypeText })[];
  cssParts?: Documented[];
  cssProperties?: Documented[];
  slots?: Documented[];
}
interface Manifest {
  modules: {
    path: string;
    declarations?: (Partial<ElementDoc> & { name?: string; customElement?: boolean })[];
    exports?: { kind: string; name: string }[];
  }[];
}

let analyzed: Promise<Manifest> | undefined;

/**
 * The widget's manifest, from the analyzer with the settings in
 * packages/widget/custom-elements-manifest.config.mjs, computed once.
 */
function manifest(): Promise<Manifest> {
  analyzed ??= (async () => {
    // The analyzer is the widget package's dev dependency: resolved from there.
    const cliPath = createRequire(join(WIDGET, 'package.json')).resolve(
      '@custom-elements-manifest/analyzer/cli.js',
    );
    const { cli } = await import(pathToFileURL(cliPath).href);
    return cli({ argv: ['analyze', '--quiet'], cwd: WIDGET, noWrite: true });
  })();
  return analyzed;
}

/** The manifest as the analyzer itself writes it, which is also Biome's JSON shape. */
async function manifestJson() {
  return `${JSON.stringify(await manifest(), null, 2)}\n`;
}

function element(m: Manifest, tag: string): ElementDoc {
  for (const mod of m.modules) {
    for (const d of mod.declarations ?? []) {
      if (d.customElement && d.tagName === tag) return d as ElementDoc;
    }
  }
  throw new Error(`custom-elements.json has no <${tag}>: is its module in the analyzer's globs?`);
}

// ---- React and Vue typings ----------------------------------------------------

/**
 * The tags an app may write: every element in the manifest except those
 * `src/admin.ts` registers (the moderation page's, served as /admin, never
 * part of a reader's page). So an element added to the widget (and the
 * analyzer's globs) gets its typings whichever way it is registered.
 */
function pageTags(m: Manifest): Set<string> {
  const admin = new Set(
    (m.modules.find((mod) => mod.path === 'src/admin.ts')?.exports ?? [])
      .filter((e) => e.kind === 'custom-element-definition')
      .map((e) => e.name),
  );
  const tags = m.modules
    .flatMap((mod) => mod.declarations ?? [])
    .flatMap((d) => (d.customElement && d.tagName && !admin.has(d.tagName) ? [d.tagName] : []));
  if (tags.length === 0) throw new Error('custom-elements.json has no element for a page');
  return new Set(tags);
}

/**
 * An attribute's type as markup may write it: an attribute is always text, so a
 * number may also be given as a numeric string (`page-size="20"`), while a
 * word like `"twenty"` stays a type error.
 */
const asAttribute = (type: string) =>
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a TypeScript template literal type, as text
  type === 'number' ? 'number | `${number}`' : type;

/**
 * The detail of a documented event, read where each element declares its
 * events for `addEventListener` (`HTMLElementEventMap`, see
 * src/thread/events.ts), so the typings carry the real detail types without
 * copying them; `unknown` for an event an element has not declared there.
 */
const EVENT_DETAIL = `/** The \`detail\` of the Parley event \`K\`, as declared in \`HTMLElementEventMap\`. */
type ParleyEventDetail<K extends string> = K extends keyof HTMLElementEventMap
  ? HTMLElementEventMap[K] extends CustomEvent<infer D>
    ? D
    : never
  : unknown;`;

/** What each generated typings file adds after the generator's output. */
const FRAMEWORK_TAIL = {
  // React 19 reads JSX element types from `React.JSX` only (no global JSX namespace).
  react: `declare module 'react' {
  namespace JSX {
    interface IntrinsicElements extends CustomElements {}
  }
}`,
  vue: '',
};

/**
 * `@parley/widget/react` and `@parley/widget/vue` (types only): JSX and Vue
 * template typings for the page's elements, generated from the manifest by
 * break-stuff's custom-element-jsx-integration and
 * custom-element-vuejs-integration (maintained, made for Custom Elements
 * Manifests). Attribute types are the `@attr {values}` of the class JSDoc, so
 * the typings need no import path into the widget's sources or build and read
 * the same in the workspace and in the packed package. Formatted by Biome, as
 * the repository's other files are.
 */
async function frameworkTypes(framework: 'react' | 'vue'): Promise<string> {
  const m = structuredClone(await manifest()) as Manifest;
  const tags = pageTags(m);
  const exclude: string[] = [];
  for (const mod of m.modules) {
    for (const d of mod.declarations ?? []) {
      if (!d.customElement) continue;
      if (!d.tagName || !tags.has(d.tagName)) {
        exclude.push(d.name!);
        continue;
      }
      for (const a of d.attributes ?? []) a.type = { text: asAttribute(a.type?.text ?? 'string') };
      for (const e of d.events ?? []) e.type = { text: `ParleyEventDetail<'${e.name}'>` };
    }
  }
  const out = mkdtempSync(join(tmpdir(), 'parley-types-'));
  const widgetRequire = createRequire(join(WIDGET, 'package.json'));
  // The generators log each file they write, even when asked not to: quiet them.
  const log = console.log;
  console.log = () => {};
  try {
    if (framework === 'react') {
      const { generateJsxTypes } = await import(
        pathToFileURL(widgetRequire.resolve('custom-element-jsx-integration')).href
      );
      generateJsxTypes(m, { outdir: out, fileName: 'types.d.ts', exclude, hideLogs: true });
    } else {
      const { generateVuejsTypes } = await import(
        pathToFileURL(widgetRequire.resolve('custom-element-vuejs-integration')).href
      );
      generateVuejsTypes(m, { outdir: out, fileName: 'types.d.ts', exclude, hideLogs: true });
    }
    let generated = readFileSync(join(out, 'types.d.ts'), 'utf8');
    if (framework === 'vue') generated = vuePropNames(generated);
    const header = [
      `// Generated by \`npm run docs\` (scripts/docs.ts) from custom-elements.json: do not edit.`,
      `// ${framework === 'react' ? 'React 19 JSX' : 'Vue 3 template'} typings of the elements /widget.js registers.`,
      '// biome-ignore-all lint: the generator writes `any` and empty types, as its template has them',
    ].join('\n');
    const text = [
      header,
      // The element declarations: the tag and event maps ParleyEventDetail reads.
      "import type {} from '@parley/widget';",
      generated.trim(),
      EVENT_DETAIL,
      FRAMEWORK_TAIL[framework],
    ].join('\n\n');
    return biomeFormat(text, 'types.d.ts');
  } finally {
    console.log = log;
    rmSync(out, { recursive: true, force: true });
  }
}

const camel = (name: string) => name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/**
 * Vue's template checker (vue-tsc) looks a kebab-case attribute up as its
 * camelCase prop (`page-size` as `pageSize`, `@parley-thread-loaded` as
 * `onParleyThreadLoaded`), so the generator's kebab-case keys would leave
 * those unchecked: the props are renamed, as a Vue component declares them.
 */
function vuePropNames(text: string): string {
  return text.replace(/^(\s*)"([\w-]+)"\?:/gm, (_, indent: string, key: string) => {
    const name = camel(key.startsWith('on') ? `on-${key.slice(2)}` : key);
    return `${indent}${name}?:`;
  });
}

/** `text` formatted by the repository's Biome, as a file named `name` would be. */
function biomeFormat(text: string, name: string): string {
  const biome = join(ROOT, 'node_modules/.bin/biome');
  const result = spawnSync(biome, ['format', `--stdin-file-path=${name}`], {
    cwd: ROOT,
    input: text,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`biome format ${name} failed:\n${result.stderr}`);
  return result.stdout;
}

// ---- Markdown ------------------------------------------------------------------

const code = (s: string) => `\`${s}\``;
/** One line of text for a table cell (`|` would end the cell, even in code). */
const cell = (s = '') => s.replace(/\s+/g, ' ').trim().replaceAll('|', '\\|');

/** A table with its columns padded, in the shape the READMEs' hand-made tables had. */
function table(head: string[], rows: string[][]): string {
  const all = [head, ...rows].map((row) => row.map(cell));
  const widths = head.map((_, i) => Math.max(3, ...all.map((row) => [...row[i]!].length)));
  const line = (row: string[]) =>
    `| ${row.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join(' | ')} |`;
  const rule = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`;
  return [line(all[0]!), rule, ...all.slice(1).map(line)].join('\n');
}

/**
 * An attribute's default for the table: the literal one the manifest gives, else
 * the "Default: ..." its description ends with (a default the code computes).
 */
function splitDefault(a: Documented): [defaultText: string, meaning: string] {
  if (a.default !== undefined) return [code(a.default), a.description ?? ''];
  const m = /^(?<meaning>[\s\S]*?)\s*Default: (?<value>[\s\S]+?)\.?$/.exec(a.description ?? '');
  return m ? [m.groups!.value!, m.groups!.meaning!] : ['none', a.description ?? ''];
}

/**
 * The attribute, event, slot, CSS custom property and part tables of each
 * element, headed at `level` (under a heading naming the element when `titled`).
 */
function elementsMarkdown(
  m: Manifest,
  tags: string[],
  { level, titled = false }: { level: number; titled?: boolean },
): string {
  const blocks: string[] = [];
  for (const tag of tags) {
    const el = element(m, tag);
    const h = '#'.repeat(titled ? level + 1 : level);
    if (titled) blocks.push(`${'#'.repeat(level)} ${code(`<${tag}>`)}`);
    const attributes = el.attributes ?? [];
    if (attributes.length)
      blocks.push(
        `${h} Attributes`,
        table(
          ['attribute', 'property', 'default', 'meaning'],
          attributes.map((a) => {
            const [defaultText, meaning] = splitDefault(a);
            return [code(a.name), a.fieldName ? code(a.fieldName) : '', defaultText, meaning];
          }),
        ),
      );
    const sections: [title: string, column: string, items: Documented[] | undefined][] = [
      ['Events', 'event', el.events],
      ['Slots', 'slot', el.slots],
      ['CSS custom properties', 'custom property', el.cssProperties],
      ['Parts', 'part', el.cssParts],
    ];
    for (const [title, column, items] of sections) {
      if (!items?.length) continue;
      blocks.push(
        `${h} ${title}`,
        table(
          [column, 'meaning'],
          items.map((x) => [code(x.name || '(default)'), x.description ?? '']),
        ),
      );
    }
  }
  return blocks.join('\n\n');
}

// ---- the README's framework snippets ---------------------------------------------

/**
 * The example files the README shows, in its order: each is built and loaded
 * in Chromium by test/frameworks.e2e.test.ts, so a snippet that stops working
 * fails a test, and one that changes changes the README.
 */
const SNIPPETS: { title: string; files: string[] }[] = [
  { title: 'Plain HTML', files: ['html/index.html'] },
  {
    title: 'Eleventy (an include for any layout, and the site data it reads)',
    files: ['eleventy/_includes/parley-thread.njk', 'eleventy/_data/parley.js'],
  },
  { title: 'React 19', files: ['react/src/comments.tsx'] },
  { title: 'Vue 3', files: ['vue/src/parley-comments.vue', 'vue/vite.config.ts'] },
  { title: 'Astro', files: ['astro/src/components/parley-thread.astro'] },
];

/** A fence's language for each file kind. */
const LANGUAGES: Record<string, string> = {
  html: 'html',
  njk: 'njk',
  js: 'js',
  ts: 'ts',
  tsx: 'tsx',
  vue: 'vue',
  astro: 'astro',
};

/** Each example file the README shows, whole, under its path. */
function frameworkSnippets(): string {
  const blocks: string[] = [];
  for (const { title, files } of SNIPPETS) {
    blocks.push(`**${title}**`);
    for (const file of files) {
      const text = readFileSync(join(ROOT, 'examples/frameworks', file), 'utf8').trimEnd();
      const language = LANGUAGES[file.slice(file.lastIndexOf('.') + 1)] ?? '';
      blocks.push(`\`examples/frameworks/${file}\`:`, `\`\`\`${language}\n${text}\n\`\`\``);
    }
  }
  return blocks.join('\n\n');
}

// ---- writing and checking ----------------------------------------------------------

const markers = (name: string) =>
  [`<!-- generated: ${name} (npm run docs) -->`, `<!-- end generated: ${name} -->`] as const;

/** `text` with the section `name` replaced by `body`. */
function withSection(file: string, text: string, name: string, body: string): string {
  const [start, end] = markers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  if (from < 0 || to < 0)
    throw new Error(`${file} has no generated section "${name}": add the lines\n${start}\n${end}`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

/** Where two texts first differ, as a line to show. */
function firstDifference(found: string, expected: string): string {
  const a = found.split('\n');
  const b = expected.split('\n');
  const i = a.findIndex((line, n) => line !== b[n]);
  const at = i < 0 ? a.length : i;
  return `line ${at + 1}:\n    committed: ${a[at] ?? '(end of file)'}\n    generated: ${b[at] ?? '(end of file)'}`;
}

async function main(check: boolean) {
  const texts = new Map<string, { before: string; after: string }>();
  const stale: string[] = [];
  for (const output of OUTPUTS) {
    const path = join(ROOT, output.file);
    // A whole generated file may not exist yet; a file with sections must.
    const missing = !output.section && !existsSync(path);
    const text = texts.get(output.file) ?? {
      before: missing ? '' : readFileSync(path, 'utf8'),
      after: '',
    };
    const current = text.after || text.before;
    const body = await output.render();
    text.after = output.section ? withSection(output.file, current, output.section, body) : body;
    texts.set(output.file, text);
    if (text.after !== current) {
      const where = output.section ? `${output.file}, section "${output.section}"` : output.file;
      stale.push(
        `${where} differs from what \`npm run docs\` generates, at ${firstDifference(current, text.after)}`,
      );
    }
  }
  if (check) {
    if (stale.length === 0) return console.log('docs: generated files and sections are up to date');
    console.error(`docs: out of date (run \`npm run docs\` and commit):\n- ${stale.join('\n- ')}`);
    process.exitCode = 1;
    return;
  }
  for (const [file, { before, after }] of texts) {
    if (after !== before) {
      writeFileSync(join(ROOT, file), after);
      console.log(`docs: wrote ${file}`);
    }
  }
}

await main(process.argv.includes('--check'));
