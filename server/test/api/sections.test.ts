import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { expectSpecResponse, specScopes } from '../helpers/spec.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

describe('board sections', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterEach(() => {
    expect(t.serverErrors).toEqual([]);
  });
  afterAll(async () => {
    await t.close();
  });

  async function call(method: Method, url: string, headers: Record<string, string>, payload?: object) {
    const res = await t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(500);
    return res;
  }

  async function sectionNames(boardId: string, headers: Record<string, string>): Promise<string[]> {
    const res = await call('GET', `/v5/boards/${boardId}/sections?page_size=250`, headers);
    expect(res.statusCode).toBe(200);
    return res.json().items.map((s: { name: string }) => s.name);
  }

  it('creates, lists, renames and deletes sections in the spec shapes', async () => {
    const board = await t.factories.board();
    const created = await call('POST', `/v5/boards/${board.id}/sections`, board.owner.auth, {
      name: ' Salads ',
    });
    expect(created.statusCode).toBe(201);
    expectSpecResponse('board_sections/create', 201, created.json());
    expect(created.json()).toEqual({ id: expect.stringMatching(/^\d+$/), name: 'Salads' });
    const id = created.json().id;

    const list = await call('GET', `/v5/boards/${board.id}/sections`, board.owner.auth);
    expect(list.statusCode).toBe(200);
    expectSpecResponse('board_sections/list', 200, list.json());
    expect(list.json()).toEqual({ items: [{ id, name: 'Salads' }], bookmark: null });

    const renamed = await call('PATCH', `/v5/boards/${board.id}/sections/${id}`, board.owner.auth, {
      name: 'Soups',
    });
    expect(renamed.statusCode).toBe(200);
    expectSpecResponse('board_sections/update', 200, renamed.json());
    expect(renamed.json()).toEqual({ id, name: 'Soups' });

    const deleted = await call('DELETE', `/v5/boards/${board.id}/sections/${id}`, board.owner.auth);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect(await sectionNames(board.id, board.owner.auth)).toEqual([]);
  });

  it('lists the pins of a section in the spec shape', async () => {
    const board = await t.factories.board();
    const section = await t.factories.section({ board });
    const inSection = await t.factories.pin({ owner: board.owner, board, section });
    await t.factories.pin({ owner: board.owner, board });
    const res = await call('GET', `/v5/boards/${board.id}/sections/${section.id}/pins`, board.owner.auth);
    expect(res.statusCode).toBe(200);
    expectSpecResponse('board_sections/list_pins', 200, res.json());
    expect(res.json().items.map((p: { id: string }) => p.id)).toEqual([inSection.id]);
    expect(res.json().items[0].board_section_id).toBe(section.id);
  });

  it('answers 404 "Board or section not found." for a section of another board or an unknown one', async () => {
    const board = await t.factories.board();
    const elsewhere = await t.factories.section({ board: await t.factories.board({ owner: board.owner }) });
    for (const sectionId of [elsewhere.id, '123', '9223372036854775808']) {
      const res = await call('GET', `/v5/boards/${board.id}/sections/${sectionId}/pins`, board.owner.auth);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ code: 404, message: 'Board or section not found.' });
    }
  });

  it('deleting a section deletes its pins and takes them off the board’s count', async () => {
    const board = await t.factories.board();
    const section = await t.factories.section({ board });
    const gone = await t.factories.pin({ owner: board.owner, board, section });
    await t.factories.pin({ owner: board.owner, board, section });
    const kept = await t.factories.pin({ owner: board.owner, board });
    expect((await call('GET', `/v5/boards/${board.id}`, board.owner.auth)).json().pin_count).toBe(3);
    const res = await call('DELETE', `/v5/boards/${board.id}/sections/${section.id}`, board.owner.auth);
    expect(res.statusCode).toBe(204);
    expect((await call('GET', `/v5/pins/${gone.id}`, board.owner.auth)).statusCode).toBe(404);
    expect((await call('GET', `/v5/pins/${kept.id}`, board.owner.auth)).statusCode).toBe(200);
    expect((await call('GET', `/v5/boards/${board.id}`, board.owner.auth)).json().pin_count).toBe(1);
    const again = await call('DELETE', `/v5/boards/${board.id}/sections/${section.id}`, board.owner.auth);
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual({ code: 404, message: 'Board section not found.' });
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: 's'.repeat(181) }, 'name'],
    [{}, 'name'],
  ])(
    'answers 400 code 1 naming the field for %j on create and update, changing nothing',
    async (payload, field) => {
      const board = await t.factories.board();
      const section = await t.factories.section({ board, name: 'Kept' });
      const create = await call('POST', `/v5/boards/${board.id}/sections`, board.owner.auth, payload);
      expect(create.statusCode).toBe(400);
      expect(create.json()).toEqual({ code: 1, message: expect.stringContaining(field) });
      const update = await call(
        'PATCH',
        `/v5/boards/${board.id}/sections/${section.id}`,
        board.owner.auth,
        payload,
      );
      expect(update.statusCode).toBe(400);
      expect(update.json()).toEqual({ code: 1, message: expect.stringContaining(field) });
      expect(await sectionNames(board.id, board.owner.auth)).toEqual(['Kept']);
    },
  );

  it('accepts a name of exactly 180 characters', async () => {
    const board = await t.factories.board();
    const res = await call('POST', `/v5/boards/${board.id}/sections`, board.owner.auth, {
      name: 's'.repeat(180),
    });
    expect(res.statusCode).toBe(201);
  });

  it('refuses a duplicate name on the same board, ignoring case, with 409 "Board section conflict"', async () => {
    const board = await t.factories.board();
    await t.factories.section({ board, name: 'Breakfast' });
    const other = await t.factories.section({ board, name: 'Dinner' });
    const create = await call('POST', `/v5/boards/${board.id}/sections`, board.owner.auth, {
      name: 'BREAKFAST',
    });
    expect(create.statusCode).toBe(409);
    expect(create.json()).toEqual({ code: 409, message: expect.stringMatching(/^Board section conflict/) });
    const update = await call('PATCH', `/v5/boards/${board.id}/sections/${other.id}`, board.owner.auth, {
      name: 'breakfast',
    });
    expect(update.statusCode).toBe(409);
    expect(update.json().message).toMatch(/^Board section conflict/);
    expect((await sectionNames(board.id, board.owner.auth)).sort()).toEqual(['Breakfast', 'Dinner']);
    // The same name on another board is fine.
    const elsewhere = await t.factories.board({ owner: board.owner });
    expect(
      (await call('POST', `/v5/boards/${elsewhere.id}/sections`, board.owner.auth, { name: 'Breakfast' }))
        .statusCode,
    ).toBe(201);
  });

  it('hides another user’s secret board: 404 for every section operation', async () => {
    const board = await t.factories.board({ privacy: 'SECRET' });
    const section = await t.factories.section({ board });
    await t.factories.pin({ owner: board.owner, board, section });
    const bob = await t.factories.user();
    const requests: Array<[Method, string, object?]> = [
      ['GET', `/v5/boards/${board.id}/sections`],
      ['POST', `/v5/boards/${board.id}/sections`, { name: 'Mine' }],
      ['PATCH', `/v5/boards/${board.id}/sections/${section.id}`, { name: 'Mine' }],
      ['DELETE', `/v5/boards/${board.id}/sections/${section.id}`],
      ['GET', `/v5/boards/${board.id}/sections/${section.id}/pins`],
    ];
    for (const [method, url, payload] of requests) {
      const res = await call(method, url, bob.auth, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect(await sectionNames(board.id, board.owner.auth)).toEqual([section.name]);
  });

  it('lets others read a public board’s sections but answers 403 with the spec’s messages for writes', async () => {
    const board = await t.factories.board();
    const section = await t.factories.section({ board });
    const bob = await t.factories.user();
    expect((await call('GET', `/v5/boards/${board.id}/sections`, bob.auth)).statusCode).toBe(200);
    expect(
      (await call('GET', `/v5/boards/${board.id}/sections/${section.id}/pins`, bob.auth)).statusCode,
    ).toBe(200);
    const create = await call('POST', `/v5/boards/${board.id}/sections`, bob.auth, { name: 'Mine' });
    expect(create.statusCode).toBe(403);
    expect(create.json()).toEqual({ code: 403, message: 'Not authorized to create board sections.' });
    const update = await call('PATCH', `/v5/boards/${board.id}/sections/${section.id}`, bob.auth, {
      name: 'Mine',
    });
    expect(update.json()).toEqual({ code: 403, message: 'Not authorized to update board section.' });
    const del = await call('DELETE', `/v5/boards/${board.id}/sections/${section.id}`, bob.auth);
    expect(del.json()).toEqual({ code: 403, message: 'Not authorized to delete board section.' });
    expect(await sectionNames(board.id, board.owner.auth)).toEqual([section.name]);
  });

  it('applies the secret scopes to the owner of a secret board', async () => {
    const board = await t.factories.board({ privacy: 'SECRET' });
    const section = await t.factories.section({ board });
    await t.factories.pin({ owner: board.owner, board, section });
    const noRead = await t.factories.tokenWithout(board.owner.user.id, ['boards:read_secret']);
    const list = await call('GET', `/v5/boards/${board.id}/sections`, noRead);
    expect(list.statusCode).toBe(403);
    expect(list.json()).toEqual({ code: 3, message: expect.stringContaining('boards:read_secret') });
    const noPins = await t.factories.tokenWithout(board.owner.user.id, ['pins:read_secret']);
    const pins = await call('GET', `/v5/boards/${board.id}/sections/${section.id}/pins`, noPins);
    expect(pins.statusCode).toBe(403);
    expect(pins.json()).toEqual({ code: 3, message: expect.stringContaining('pins:read_secret') });
    const noWrite = await t.factories.tokenWithout(board.owner.user.id, ['boards:write_secret']);
    const create = await call('POST', `/v5/boards/${board.id}/sections`, noWrite, { name: 'New' });
    expect(create.statusCode).toBe(403);
    expect(create.json()).toEqual({ code: 3, message: expect.stringContaining('boards:write_secret') });
    expect(await sectionNames(board.id, board.owner.auth)).toEqual([section.name]);
  });

  it('pages through sections and refuses a bookmark from another board', async () => {
    const board = await t.factories.board();
    const names: string[] = [];
    for (let i = 0; i < 30; i++) names.push((await t.factories.section({ board, name: `S${i}` })).name);
    const first = (
      await call('GET', `/v5/boards/${board.id}/sections?page_size=25`, board.owner.auth)
    ).json();
    expect(first.items).toHaveLength(25);
    const second = (
      await call(
        'GET',
        `/v5/boards/${board.id}/sections?page_size=25&bookmark=${encodeURIComponent(first.bookmark)}`,
        board.owner.auth,
      )
    ).json();
    expect(second.items).toHaveLength(5);
    expect(second.bookmark).toBeNull();
    expect([...first.items, ...second.items].map((s: { name: string }) => s.name)).toEqual(
      [...names].reverse(),
    );
    const other = await t.factories.board({ owner: board.owner });
    const res = await call(
      'GET',
      `/v5/boards/${other.id}/sections?bookmark=${encodeURIComponent(first.bookmark)}`,
      board.owner.auth,
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(1);
  });

  it('answers 400 for a non-numeric section id and 404 for one out of range', async () => {
    const board = await t.factories.board();
    const bad = await call('PATCH', `/v5/boards/${board.id}/sections/abc`, board.owner.auth, { name: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ code: 1, message: expect.stringContaining('section_id') });
    const big = await call(
      'DELETE',
      `/v5/boards/${board.id}/sections/99999999999999999999`,
      board.owner.auth,
    );
    expect(big.statusCode).toBe(404);
  });

  it.each([
    'board_sections/list',
    'board_sections/create',
    'board_sections/update',
    'board_sections/delete',
    'board_sections/list_pins',
  ])('%s answers 403 code 3 for each required scope missing', async (operationId) => {
    const board = await t.factories.board();
    const section = await t.factories.section({ board, name: 'Scoped' });
    const requests: Record<string, [Method, string, object?]> = {
      'board_sections/list': ['GET', `/v5/boards/${board.id}/sections`],
      'board_sections/create': ['POST', `/v5/boards/${board.id}/sections`, { name: 'New' }],
      'board_sections/update': ['PATCH', `/v5/boards/${board.id}/sections/${section.id}`, { name: 'New' }],
      'board_sections/delete': ['DELETE', `/v5/boards/${board.id}/sections/${section.id}`],
      'board_sections/list_pins': ['GET', `/v5/boards/${board.id}/sections/${section.id}/pins`],
    };
    const [method, url, payload] = requests[operationId]!;
    const scopes = specScopes(operationId);
    expect(scopes.length).toBeGreaterThan(0);
    for (const scope of scopes) {
      const headers = await t.factories.tokenWithout(board.owner.user.id, [scope]);
      const res = await call(method, url, headers, payload);
      expect(res.statusCode, scope).toBe(403);
      expect(res.json()).toEqual({ code: 3, message: expect.stringContaining(scope) });
    }
    expect(await sectionNames(board.id, board.owner.auth)).toEqual(['Scoped']);
  });
});
