/** Benchmark figures, their budgets, and how they are printed and written. */

/** A budget: the figure must be `<`, `<=` or `>=` the limit. */
export interface Budget {
  op: '<' | '<=' | '>=';
  limit: number;
}

/** One measured figure. `value` is null when it could not be measured (e.g. no PostgreSQL). */
export interface Figure {
  name: string;
  value: number | null;
  unit: string;
  budget?: Budget;
  note?: string;
}

/** What one benchmark script reports. */
export interface BenchResult {
  /** Short id, also the script name: `bundle`, `read`, ... */
  id: string;
  title: string;
  /** The command that produces these figures on its own. */
  command: string;
  figures: Figure[];
  /** How it was measured and anything noticed on the way. */
  notes: string[];
  /** Set when the benchmark could not finish; it then counts as failed. */
  error?: string;
  durationS?: number;
}

/** A figure against its budget. */
export type Verdict = 'pass' | 'fail' | '';

/** Pass or fail for figures with a budget; a budget with no measured value fails. */
export function verdict(figure: Figure): Verdict {
  const { budget, value } = figure;
  if (!budget) return '';
  if (value === null || Number.isNaN(value)) return 'fail';
  const within =
    budget.op === '<'
      ? value < budget.limit
      : budget.op === '<='
        ? value <= budget.limit
        : value >= budget.limit;
  return within ? 'pass' : 'fail';
}

/** Whether a result breaks a budget or did not finish. */
export function failed(result: BenchResult): boolean {
  return result.error !== undefined || result.figures.some((f) => verdict(f) === 'fail');
}

/** A figure's value for people: grouped thousands, no spurious decimals. */
export function formatValue(figure: Figure): string {
  if (figure.value === null || Number.isNaN(figure.value)) return 'n/a';
  const v = figure.value;
  const digits = Math.abs(v) >= 100 || Number.isInteger(v) ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  const text = v.toLocaleString('en-US', { maximumFractionDigits: digits });
  return figure.unit ? `${text} ${figure.unit}` : text;
}

/** The budget as text, e.g. `<= 12,288 B`. */
export function formatBudget(figure: Figure): string {
  if (!figure.budget) return '';
  const op = { '<': '<', '<=': '≤', '>=': '≥' }[figure.budget.op];
  return `${op} ${formatValue({ ...figure, value: figure.budget.limit })}`;
}

/** The result as rows of [figure, value, budget, verdict], for any table. */
export function rows(result: BenchResult): string[][] {
  return result.figures.map((f) => [
    f.note ? `${f.name} (${f.note})` : f.name,
    formatValue(f),
    formatBudget(f),
    verdict(f),
  ]);
}

/** A plain-text table for the terminal. */
export function textTable(result: BenchResult): string {
  const header = ['figure', 'value', 'budget', ''];
  const body = rows(result);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i === 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  const out = [`== ${result.title} (${result.command})`, line(header)];
  for (const r of body) out.push(line(r));
  if (result.error) out.push(`ERROR: ${result.error}`);
  for (const note of result.notes) out.push(`  - ${note}`);
  return out.join('\n');
}
