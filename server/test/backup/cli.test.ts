import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { TEST_DATABASE } from '../helpers/app.js';
import { corkboard, useCliEnvironment } from '../helpers/cli.js';

describe(`corkboard export and import on ${TEST_DATABASE}`, () => {
  useCliEnvironment('backup_cli');
  const archive = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-cli-archive-')), 'state.tar.gz');

  it('export writes one archive; import into the same, non-empty target is refused, then --force restores it', async () => {
    const config = loadConfig();
    const app = await buildApp(config, { logger: false });
    await app.ctx.accounts.create({ username: 'exported_user' });
    await app.close();

    const exported = await corkboard('export', archive);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^Exported \d+ rows in \d+ tables and 0 media files to /);
    expect(fs.statSync(archive).size).toBeGreaterThan(0);

    const again = await buildApp(config, { logger: false });
    await again.ctx.accounts.create({ username: 'added_later' });
    await again.close();

    const refused = await corkboard('import', archive);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/target is not empty: .*users \(2 rows\).*--force/);

    const forced = await corkboard('import', archive, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('Replaced what was there: users (2 rows)');
    const check = await buildApp(config, { logger: false });
    try {
      expect(await check.ctx.accounts.getByUsername('exported_user')).not.toBeNull();
      expect(await check.ctx.accounts.getByUsername('added_later')).toBeNull();
    } finally {
      await check.close();
    }
  });

  it('import of a file that is not an archive says what is wrong and what to do', async () => {
    const bogus = path.join(path.dirname(archive), 'bogus.tar.gz');
    fs.writeFileSync(bogus, 'hello');
    const result = await corkboard('import', bogus, '--force');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not a valid gzip file.*Nothing was changed.*intact archive/);
  });
});
