import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderApiCompatibility } from '../../src/http/compatibility.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

const docPath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../docs/api-compatibility.md',
);

describe('docs/api-compatibility.md', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('matches the routes this server has (regenerate with npm run gen:compat)', () => {
    const expected = renderApiCompatibility(new Set(t.app.unimplementedOperations));
    expect(fs.readFileSync(docPath, 'utf8')).toBe(expected);
  });

  it('lists the operations of this issue as implemented', () => {
    const doc = fs.readFileSync(docPath, 'utf8');
    for (const id of [
      'user_account/get',
      'boards/list',
      'boards/list_pins',
      'board_sections/list_pins',
      'pins/save',
    ]) {
      expect(doc).toContain(`| \`${id}\` |`);
      expect(t.app.unimplementedOperations).not.toContain(id);
    }
  });
});
