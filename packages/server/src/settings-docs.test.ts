import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SETTINGS, settingDefault } from './config.ts';
import { settingsMarkdown, withSettingsTable } from './settings-docs.ts';

const README = new URL('../../../README.md', import.meta.url);

describe('the README settings table', () => {
  it('is the table settingsMarkdown() renders from SETTINGS (run npm run docs after changing a setting)', () => {
    const readme = readFileSync(README, 'utf8');
    assert.equal(readme, withSettingsTable(readme));
  });

  it('has one row per setting, giving the default the parser uses', () => {
    const rows = settingsMarkdown().split('\n').slice(2);
    assert.equal(rows.length, SETTINGS.length);
    for (const [i, setting] of SETTINGS.entries()) {
      assert.ok(rows[i]!.startsWith(`| \`--${setting.flag}\``), setting.env);
      assert.ok(rows[i]!.includes(settingDefault(setting)), setting.env);
    }
  });
});
