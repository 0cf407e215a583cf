/**
 * The settings table rendered for people: `parley-server --help` and the
 * README's settings table, both from `SETTINGS` in config.ts, so neither can
 * drift from what the parser does.
 */
import { SETTINGS, settingDefault } from './config.ts';

type AnySetting = (typeof SETTINGS)[number];

/** Columns `--help` wraps its prose to: a terminal's usual width. */
export const HELP_WIDTH = 80;
/** Indent of a setting's description under its flag. */
const HELP_INDENT = '      ';

/** One `--help` entry: its head line, then each paragraph wrapped and indented beneath it. */
export function helpEntry(head: string, ...paragraphs: string[]): string {
  return [head, ...paragraphs.flatMap((text) => wrap(text, HELP_WIDTH - HELP_INDENT.length))]
    .join(`\n${HELP_INDENT}`)
    .concat('\n');
}

/**
 * A setting's `--help` entry: its flag and variable, then what it does with
 * every rule the README's table states, what it accepts and its default.
 */
export function settingHelp(s: AnySetting): string {
  return helpEntry(
    `  --${s.flag.padEnd(18)} ${s.env}`,
    plainText(meaning(s)),
    `Accepts ${s.accepts}; default ${settingDefault(s)}`,
  );
}

/** A command as `parley-server --help` lists it: its name and one line. */
interface ListedCommand {
  name: string;
  summary: string;
}

/**
 * The `--help` text: the commands, one line each, then serving's options:
 * each flag with its variable and, wrapped beneath it, what it does, what it
 * accepts and its default.
 */
export function helpText(commands: readonly ListedCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: parley-server [COMMAND] [OPTIONS]',
    '',
    'With no command, serves the Parley comments API, the widget script and its',
    'database, taking only the options below. Every option can also be set as an',
    'environment variable; flags win.',
    '',
    'Commands (parley-server COMMAND --help tells more of each):',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options for serving:',
    '',
    helpEntry('  --help, -h', 'Show this help.'),
    helpEntry('  --version', "Print the server's version."),
    ...SETTINGS.map(settingHelp),
  ].join('\n');
}

/** What a setting does, as one markdown paragraph: its help line, then its details. */
function meaning(s: AnySetting): string {
  const help = `${s.help.charAt(0).toUpperCase()}${s.help.slice(1)}.`;
  return s.details ? `${help} ${s.details}` : help;
}

/** The markdown the details use, for a terminal: code without its backticks, a link as `text (url)`. */
function plainText(markdown: string): string {
  return markdown.replaceAll('`', '').replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)');
}

/** `text`'s lines, broken between words to at most `columns` (a longer word keeps its own line). */
export function wrap(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > columns) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/**
 * The README's settings table as markdown: one row per setting with its flag,
 * variable, default, what it accepts and what it does, its columns padded
 * as a markdown formatter pads them. `npm run docs` (scripts/docs.ts) writes it
 * into the root README.md, and `npm run docs:check` fails when that drifted.
 */
export function settingsMarkdown(): string {
  const header = ['flag', 'environment', 'default', 'accepts', 'meaning'];
  const rows = SETTINGS.map((s) => {
    // A declared default is a value one can type; an unset text is prose.
    const fallback = s.unset ?? `\`${settingDefault(s)}\``;
    return [`\`--${s.flag}\``, `\`${s.env}\``, fallback, s.accepts, meaning(s)];
  });
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => width(row[i]!))));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell.replaceAll('|', '\\|') + ' '.repeat(widths[i]! - width(cell))).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

/** Width in code points, as a markdown formatter counts it. */
function width(text: string): number {
  return [...text.replaceAll('|', '\\|')].length;
}
