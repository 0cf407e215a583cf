import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SETTINGS, settingDefault } from './config.ts';
import { settingsMarkdown } from './settings-docs.ts';

// Whether README.md holds this table is `npm run docs:check`'s job (scripts/docs.ts).
describe('the README settings table', () => {
  it('has one row per setting, giving the default the parser uses', () => {
    const rows = settingsMarkdown().split('\n').slice(2);
    assert.equal(rows.length, SETTINGS.length);
    for (const [i, setting] of SETTINGS.entries()) {
      assert.ok(rows[i]!.startsWith(`| \`--${setting.flag}\``), setting.env);
      // Columns: flag, variable, default, accepts, description ("\|" is a pipe in a cell).
      const cells = rows[i]!.split(/(?<!\\)\|/).map((cell) => cell.trim());
      assert.equal(
        cells[3]!.replaceAll('`', ''),
        settingDefault(setting).replaceAll('`', ''),
        setting.env,
      );
    }
  });
});
