/** What one step's runner reported. */
export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  /** What was skipped and why, once each. */
  reasons: string[];
}
/** One step's settled result. */
export interface StepResult extends Counts {
  name: string;
  ok: boolean;
  seconds: number | undefined;
}
/** Lines a test or a script prints to say what it skipped and why (`!!! ...`), once each. */
export declare function skipNotices(output: string): string[];
/** Counts from Node's test runner (TAP or spec), skipped suites included. */
export declare function nodeCounts(output: string): Counts | undefined;
/** Counts from web-test-runner's last progress line. */
export declare function wtrCounts(output: string): Counts | undefined;
/** The step's result from its exit code and counts; in CI a skip fails it. */
export declare function settleStep(
  name: string,
  code: number | null,
  counts: Counts | undefined,
  ci: boolean,
  seconds?: number,
): StepResult;
/** The summary's lines and whether the run passed. */
export declare function summarize(
  results: StepResult[],
  notices?: string[],
  ci?: boolean,
): { lines: string[]; ok: boolean };
