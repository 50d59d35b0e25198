import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { FixtureError, parseFixture, type Fixture } from '../../src/modules/sandbox/fixture-format.js';
import { loadFixture } from '../../src/modules/sandbox/fixtures.js';
import { buildTestApp, TEST_DATABASE } from '../helpers/app.js';
import { corkboard, useCliEnvironment } from '../helpers/cli.js';

const exampleText = fs.readFileSync(
  fileURLToPath(new URL('../../fixtures/example.json', import.meta.url)),
  'utf8',
);
const example = parseFixture(exampleText);

function problemWith(change: (fixture: Record<string, unknown>) => void): string {
  const fixture = JSON.parse(exampleText) as Record<string, unknown>;
  change(fixture);
  try {
    parseFixture(JSON.stringify(fixture));
  } catch (error) {
    expect(error).toBeInstanceOf(FixtureError);
    return (error as Error).message;
  }
  throw new Error('the fixture was accepted');
}

describe('the fixture format', () => {
  it('the example fixture in server/fixtures is valid', () => {
    expect(example.users.map((u) => u.username)).toEqual(['alice', 'bob']);
  });

  it('names the place of every problem', () => {
    expect(problemWith((f) => (f.version = 2))).toContain('"format": "corkboard-fixture", "version": 1');
    expect(problemWith((f) => ((f.users as { id: string }[])[1]!.id = '1000000000000000001'))).toBe(
      '/users/1/id: id 1000000000000000001 is used twice',
    );
    expect(problemWith((f) => ((f.users as { id: string }[])[0]!.id = '9223372036854775808'))).toBe(
      '/users/0/id: 9223372036854775808 is larger than a 64-bit id',
    );
    expect(problemWith((f) => ((f.boards as { owner: string }[])[2]!.owner = 'carol'))).toBe(
      '/boards/2/owner: no user "carol" in the fixture',
    );
    expect(problemWith((f) => ((f.tokens as { token: string }[])[0]!.token = 'secret'))).toMatch(
      /^\/tokens\/0\/token: /,
    );
    expect(problemWith((f) => ((f.tokens as { app: string }[])[1]!.app = '999'))).toBe(
      '/tokens/1/app: no app with client_id 999 in the fixture',
    );
    expect(
      problemWith(
        (f) => ((f.pins as { board_section_id: string }[])[1]!.board_section_id = '1000000000000000251'),
      ),
    ).toBe('/pins/1/board_section_id: no section 1000000000000000251 on that board');
  });
});

describe(`loading a fixture on ${TEST_DATABASE}`, () => {
  it('loads the exact ids, client id and tokens; refuses a second load into the now non-empty instance', async () => {
    const t = await buildTestApp();
    try {
      await loadFixture(t.app, example);
      const [alice, scheduler] = example.tokens!.map((x) => x.token);
      const board = await t.app.inject({
        method: 'GET',
        url: '/v5/boards/1000000000000000201/pins',
        headers: { authorization: `Bearer ${alice}` },
      });
      expect(board.statusCode).toBe(200);
      expect((board.json() as { items: { id: string }[] }).items.map((p) => p.id)).toEqual([
        '1000000000000000301',
      ]);
      const app = await t.app.ctx.apps.findByClientId('1500001');
      expect(app).toMatchObject({ id: '1000000000000000101', status: 'APPROVED' });
      const viaApp = await t.app.inject({
        method: 'GET',
        url: '/v5/user_account',
        headers: { authorization: `Bearer ${scheduler}` },
      });
      expect(viaApp.statusCode).toBe(200);
      await expect(loadFixture(t.app, example)).rejects.toThrow('fixtures load into an empty instance only');
    } finally {
      await t.close();
    }
  });
});

describe(`corkboard fixture export on ${TEST_DATABASE}`, () => {
  useCliEnvironment('fixture_export');

  it('writes the current ids with the tokens given by --token and new ones for the others, and loads back', async () => {
    const app = await buildApp(loadConfig(), { logger: false });
    await loadFixture(app, example);
    await app.close();

    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-fixture-out-')), 'fixture.json');
    const given = 'pina_givenAliceTokenForTheExport00000000000009';
    const result = await corkboard('fixture', 'export', '--out', out, '--token', `alice=${given}`);
    expect(result.code).toBe(0);
    const exported: Fixture = parseFixture(fs.readFileSync(out, 'utf8'));
    expect(exported.users.map((u) => u.id)).toEqual(example.users.map((u) => u.id));
    expect(exported.boards!.map((b) => [b.id, b.owner, b.privacy, b.sections?.map((s) => s.id)])).toEqual([
      ['1000000000000000201', 'alice', 'PUBLIC', ['1000000000000000251']],
      ['1000000000000000202', 'alice', 'SECRET', []],
      ['1000000000000000203', 'bob', 'PUBLIC', []],
    ]);
    expect(exported.pins!.map((p) => [p.id, p.board_id, p.board_section_id, p.title])).toEqual(
      example.pins!.map((p) => [p.id, p.board_id, p.board_section_id ?? null, p.title]),
    );
    expect(exported.pins![0]!.image).toMatchObject({ width: 600, height: 800 });
    expect(exported.apps!.map((a) => [a.id, a.client_id, a.owner])).toEqual([
      ['1000000000000000101', '1500001', 'alice'],
    ]);
    const tokens = Object.fromEntries(exported.tokens!.map((x) => [x.user, x.token]));
    expect(tokens.alice).toBe(given);
    expect(tokens.bob).toMatch(/^pina_[A-Za-z0-9_-]{43}$/);
    expect(example.tokens!.map((x) => x.token)).not.toContain(tokens.bob);

    const t = await buildTestApp();
    try {
      await loadFixture(t.app, exported);
      const me = await t.app.inject({
        method: 'GET',
        url: '/v5/user_account',
        headers: { authorization: `Bearer ${tokens.bob}` },
      });
      expect(me.json()).toMatchObject({ username: 'bob' });
    } finally {
      await t.close();
    }
  });

  it('explains a malformed --token', async () => {
    const result = await corkboard('fixture', 'export', '--token', 'alice');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--token takes USER=pina_');
  });
});
