/**
 * Test support: a command run in-process, its stdout and stderr captured,
 * for the tests that are about what a command does rather than about the
 * binary around it (those run it with `runToExit`).
 */
import { Writable } from 'node:stream';
import { runCommand } from './commands.ts';

/** A stream that keeps what is written to it; slow: each write completes after `delayMs`. */
export function captured(options: { delayMs?: number; highWaterMark?: number } = {}) {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: options.highWaterMark ?? 16_384,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      if (options.delayMs) setTimeout(done, options.delayMs);
      else done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** What a command run printed, and its exit code. */
export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `parley-server ...argv` in-process with `env` as its whole environment. */
export async function runCaptured(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CapturedRun> {
  const stdout = captured();
  const stderr = captured();
  const code = await runCommand(argv, env, { stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
