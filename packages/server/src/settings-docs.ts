/**
 * The settings table rendered for people: `parley-server --help` and the
 * README's settings table, both from `SETTINGS` in config.ts, so neither can
 * drift from what the parser does.
 */
import { SETTINGS, settingDefault } from './config.ts';

/** The `--help` text. */
export function helpText(): string {
  const rows = SETTINGS.map(
    (s) =>
      `  --${s.flag.padEnd(18)} ${s.env.padEnd(24)} ${s.help}\n  ${''.padEnd(45)} accepts ${s.accepts}; default ${settingDefault(s)}`,
  );
  return [
    'Usage: parley-server [options]',
    '',
    'Serves the Parley comments API, the widget script and its database.',
    'Every option can also be set as an environment variable; flags win.',
    '',
    '  --help, -h                                    show this help',
    ...rows,
    '',
  ].join('\n');
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
    return [
      `\`--${s.flag}\``,
      `\`${s.env}\``,
      fallback,
      s.accepts,
      s.details ? `${capitalise(s.help)}. ${s.details}` : `${capitalise(s.help)}.`,
    ];
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

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Width in code points, as a markdown formatter counts it. */
function width(text: string): number {
  return [...text.replaceAll('|', '\\|')].length;
}
