/**
 * `parley-server COMMAND`: the help every command has, and the refusals
 * (exit 2) that come before any work. The binary where it matters (the
 * program's own --help, a command's, an unknown command), in-process for
 * the rest.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runToExit } from '../testing/server-process.ts';
import { COMMANDS, commandHelp, runCommand } from './commands.ts';
import { captured, runCaptured } from './run-captured.ts';

/** A scratch folder, removed after the test, and a database path in it that nothing must create. */
function scratch(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, database: join(dir, 'never.db') };
}

describe('parley-server --help', () => {
  it('lists every command with its one line, before the serving options', async () => {
    const result = await runToExit(['--help']);
    assert.equal(result.code, 0, result.stderr);
    const listing = result.stdout.split('Options for serving:')[0]!;
    for (const command of COMMANDS) {
      const summary = command.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.match(listing, new RegExp(`^ {2}${command.name} +${summary}$`, 'm'));
    }
    assert.match(result.stdout, /--database-url\s+DATABASE_URL/);
  });
});

describe('parley-server COMMAND --help', () => {
  for (const command of COMMANDS) {
    it(`${command.name} --help exits 0 with its usage, description and options`, async () => {
      const result = await runToExit([command.name, '--help']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      assert.equal(result.stdout, commandHelp(command));
      assert.match(result.stdout, new RegExp(`^Usage: parley-server ${command.name}\\b`));
      const unwrapped = result.stdout.replace(/\s+/g, ' ');
      assert.ok(unwrapped.includes(command.description), 'the description, whole');
      for (const option of [...command.options.map((o) => o.flag), 'database-url', 'help']) {
        assert.match(result.stdout, new RegExp(`^ {2}--${option}\\b`, 'm'), option);
      }
      for (const line of result.stdout.split('\n')) assert.ok(line.length <= 80, line);
    });

    it(`${command.name} -h answers the same help, even beside a missing argument`, async () => {
      const result = await runCaptured([command.name, '-h']);
      assert.deepEqual(result, { code: 0, stdout: commandHelp(command), stderr: '' });
    });
  }

  it('the usage lines show optional arguments and options in brackets', () => {
    assert.match(
      commandHelp(COMMANDS.find((c) => c.name === 'backup')!),
      /^Usage: parley-server backup FILE\n/,
    );
    assert.match(
      commandHelp(COMMANDS.find((c) => c.name === 'export')!),
      /^Usage: parley-server export \[--thread KEY\] \[FILE\]\n/,
    );
  });
});

describe('refusals: exit 2, a message on stderr, nothing opened', () => {
  it('an unknown command, named, pointing at --help (the binary)', async (t) => {
    const { database } = scratch(t);
    const result = await runToExit(['restore', 'x.db'], { DATABASE_URL: database });
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      'parley-server: unknown command "restore". Run parley-server --help for the commands.\n',
    );
    assert.equal(result.stdout, '');
    assert.equal(existsSync(database), false);
  });

  const refusals: Array<{ name: string; argv: string[]; env?: NodeJS.ProcessEnv; says: string }> = [
    {
      name: 'a serving setting given to a command',
      argv: ['export', '--port', '8080'],
      says: 'parley-server export: --port is a setting for serving; parley-server export takes only --database-url and its own options',
    },
    {
      name: 'a serving setting as --flag=value',
      argv: ['backup', '--admin-token=abcdefghijklmnopqrstu', 'x.db'],
      says: 'parley-server backup: --admin-token is a setting for serving',
    },
    {
      name: 'an unknown option',
      argv: ['backup', '--force', 'x.db'],
      says: 'parley-server backup: unknown option --force. Run parley-server backup --help for its options.',
    },
    {
      name: 'another command’s option',
      argv: ['backup', '--thread', '/a', 'x.db'],
      says: 'parley-server backup: unknown option --thread.',
    },
    {
      name: 'an option without its value',
      argv: ['export', '--thread'],
      says: "parley-server export: Option '--thread <value>' argument missing",
    },
    {
      name: 'a missing FILE',
      argv: ['backup'],
      says: 'parley-server backup: missing FILE: the usage is parley-server backup FILE.',
    },
    {
      name: 'one argument too many, never repeated',
      argv: ['export', 'a.json', 's3cr3t-word'],
      says: 'parley-server export: unexpected argument (word 3 of the command line): the usage is parley-server export [--thread KEY] [FILE].',
    },
    {
      name: 'a DATABASE_URL of another scheme, as serving refuses it',
      argv: ['export'],
      env: { DATABASE_URL: 'mysql://root:pw@db/x' },
      says: 'parley-server export: invalid setting: DATABASE_URL / --database-url: uses the scheme mysql:, which is neither PostgreSQL nor SQLite (accepts',
    },
    {
      name: 'a --database-url of another scheme',
      argv: ['backup', '--database-url', 'postgress://x', 'b.db'],
      says: 'parley-server backup: invalid setting: DATABASE_URL / --database-url: uses the scheme postgress:',
    },
  ];
  for (const refusal of refusals) {
    it(`${refusal.name}: ${refusal.argv.join(' ')}`, async (t) => {
      const { database } = scratch(t);
      const result = await runCaptured(refusal.argv, { DATABASE_URL: database, ...refusal.env });
      assert.equal(result.code, 2, result.stderr);
      assert.ok(result.stderr.startsWith(refusal.says), result.stderr);
      assert.equal(result.stderr.split('\n').length, 2, 'one line');
      assert.ok(!result.stderr.includes('s3cr3t') && !result.stderr.includes(':pw@'));
      assert.equal(result.stdout, '');
      assert.equal(existsSync(database), false, 'the database is never opened');
    });
  }

  it('ignores the environment of serving settings, bad ones included', async (t) => {
    const { dir, database } = scratch(t);
    writeFileSync(database, '');
    const result = await runCaptured(['export', join(dir, 'out.json')], {
      DATABASE_URL: database,
      PORT: 'abc',
      PARLEY_ADMIN_TOKEN: 'short',
    });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(existsSync(join(dir, 'out.json')));
  });

  it('--database-url wins over DATABASE_URL', async (t) => {
    const { dir, database } = scratch(t);
    const flagged = join(dir, 'flagged.db');
    writeFileSync(flagged, '');
    const result = await runCaptured(
      ['export', '--database-url', `sqlite:${flagged}`, join(dir, 'out.json')],
      { DATABASE_URL: database },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.ok(statSync(flagged).size > 0, 'the flag’s database is opened (and migrated)');
    assert.equal(existsSync(database), false);
  });
});

describe('a database that is not there', () => {
  it('an import creates it, but a dry run or a refused file leaves none behind', async (t) => {
    const { dir, database } = scratch(t);
    const file = join(dir, 'site.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'parley-export',
        version: 1,
        exportedAt: '2026-12-01T00:00:00.000Z',
        thread: null,
        threads: [],
        messages: [],
        reports: [],
      }),
    );
    const dry = await runCaptured(['import', '--dry-run', file], { DATABASE_URL: database });
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(existsSync(database), false, 'a dry run leaves no database');
    const deep = join(dir, 'new', 'folders', 'p.db');
    const dryDeep = await runCaptured(['import', '--dry-run', file], { DATABASE_URL: deep });
    assert.equal(dryDeep.code, 0, dryDeep.stderr);
    assert.equal(existsSync(join(dir, 'new')), false, 'nor the folders made for it');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "parley-export", "version": 1, "threads": [');
    const refused = await runCaptured(['import', bad], { DATABASE_URL: database });
    assert.equal(refused.code, 1);
    assert.equal(existsSync(database), false, 'a refused file leaves no database');
    const stopped = await runCommand(
      ['import', file],
      { DATABASE_URL: database },
      {
        stdout: captured().stream,
        stderr: captured().stream,
        signal: AbortSignal.abort(),
      },
    );
    assert.equal(stopped, 1);
    assert.equal(existsSync(database), false, 'an import stopped before writing leaves none');
    const real = await runCaptured(['import', file], { DATABASE_URL: database });
    assert.equal(real.code, 0, real.stderr);
    assert.ok(statSync(database).size > 0, 'the import made the database');
  });
});
