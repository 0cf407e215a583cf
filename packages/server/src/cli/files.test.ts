/**
 * A command's FILE is never written through anything put in its way after
 * the up-front check: a FILE that appears while the command works is not
 * overwritten, and a `FILE.partial` symlink (to a file or to nowhere) is
 * refused, its target untouched. Each test acts right after the command's
 * check, which runs before its first wait, so the race is hit every time.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dialects } from '../testing/dialects.ts';
import { runCaptured } from './run-captured.ts';

const sqlite = dialects.find((d) => d.name === 'sqlite')!;

/** A folder for the files, removed after the test. */
function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-files-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

for (const command of ['backup', 'export']) {
  describe(`parley-server ${command} FILE, and what appears in its way`, () => {
    it('a FILE created after the check is not overwritten: exit 2, as the check would have said, and no .partial left', async (t) => {
      const db = await sqlite.create();
      t.after(() => db.dispose());
      const dir = scratch(t);
      const file = join(dir, 'out');
      const running = runCaptured([command, file], { DATABASE_URL: db.url });
      writeFileSync(file, 'written meanwhile by someone else');
      const result = await running;
      assert.equal(result.code, 2, result.stderr);
      assert.equal(
        result.stderr,
        `parley-server ${command}: ${file} exists; name a new file (nothing is ever overwritten)\n`,
      );
      assert.equal(readFileSync(file, 'utf8'), 'written meanwhile by someone else');
      assert.deepEqual(readdirSync(dir), ['out']);
    });

    it('a FILE.partial symlink put there after the check is refused (exit 2), its target untouched', async (t) => {
      const db = await sqlite.create();
      t.after(() => db.dispose());
      const dir = scratch(t);
      const victim = join(dir, 'victim');
      writeFileSync(victim, 'precious');
      const file = join(dir, 'out');
      const running = runCaptured([command, file], { DATABASE_URL: db.url });
      symlinkSync(victim, `${file}.partial`);
      const result = await running;
      assert.equal(result.code, 2, result.stderr);
      assert.equal(
        result.stderr,
        `parley-server ${command}: ${file}.partial exists: another run is writing it, or one was killed; remove it once no run is going\n`,
      );
      assert.equal(readFileSync(victim, 'utf8'), 'precious');
      assert.ok(lstatSync(`${file}.partial`).isSymbolicLink(), 'what is not ours is not removed');
      assert.deepEqual(readdirSync(dir).sort(), ['out.partial', 'victim']);
    });

    it('a dangling FILE.partial symlink is refused up front (exit 2), and nothing is made where it points', async (t) => {
      const db = await sqlite.create();
      t.after(() => db.dispose());
      const dir = scratch(t);
      const target = join(dir, 'made-through-the-link');
      const file = join(dir, 'out');
      symlinkSync(target, `${file}.partial`);
      const result = await runCaptured([command, file], { DATABASE_URL: db.url });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(
        result.stderr,
        `parley-server ${command}: ${file}.partial exists: another run is writing it, or one was killed; remove it once no run is going\n`,
      );
      assert.equal(existsSync(target), false);
      assert.equal(existsSync(file), false);
    });
  });
}
