// `npm run docs`: regenerates the docs that are made from code, so they cannot
// disagree with it. `npm run docs:check` (a step of `npm test`) regenerates them
// in memory and fails, naming the file and section, when anything committed differs.
//
// Each entry of `OUTPUTS` is one generated file, or one section of a file
// between `<!-- generated: NAME (npm run docs) -->` and `<!-- end generated: NAME -->`.
// Adding a generated section is one line there.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
interface ElementDoc {
  tagName: string;
  attributes?: (Documented & { fieldName?: string })[];
  events?: Documented[];
  cssParts?: Documented[];
  cssProperties?: Documented[];
  slots?: Documented[];
}
interface Manifest {
  modules: { declarations?: (Partial<ElementDoc> & { customElement?: boolean })[] }[];
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
