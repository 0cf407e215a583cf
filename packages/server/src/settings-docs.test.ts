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
      assert.ok(rows[i]!.includes(settingDefault(setting)), setting.env);
    }
  });
});
