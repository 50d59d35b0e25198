import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Fixtures: a small, hand-editable JSON picture of a sandbox (users, apps, boards with
 * sections, pins, tokens), every object with a FIXED id and every token with a FIXED value, so
 * another project's tests can hard-code them. See docs/fixtures.md.
 */

export const FIXTURE_FORMAT = 'corkboard-fixture';
export const FIXTURE_VERSION = 1;

const Id = Type.String({ pattern: '^[1-9][0-9]{0,18}$', description: 'A 64-bit id as a string of digits.' });
const Username = Type.String({ pattern: '^[A-Za-z0-9_]{3,30}$' });

const FixtureUser = Type.Object(
  {
    id: Id,
    username: Username,
    email: Type.Optional(Type.Union([Type.String({ maxLength: 320 }), Type.Null()])),
    password: Type.Optional(
      Type.String({ minLength: 8, maxLength: 200, description: 'Lets the user log in.' }),
    ),
    account_type: Type.Optional(Type.Union([Type.Literal('PINNER'), Type.Literal('BUSINESS')])),
    business_name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    about: Type.Optional(Type.String({ maxLength: 500 })),
    website_url: Type.Optional(Type.String({ maxLength: 2048 })),
    is_admin: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const FixtureApp = Type.Object(
  {
    id: Id,
    owner: Username,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    client_id: Type.String({ pattern: '^[0-9]{1,20}$' }),
    client_secret: Type.Optional(Type.String({ minLength: 16, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    website_url: Type.Optional(Type.String({ maxLength: 2048 })),
    redirect_uris: Type.Optional(Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 50 })),
    tier: Type.Optional(Type.Union([Type.Literal('TRIAL'), Type.Literal('STANDARD')])),
    status: Type.Optional(
      Type.Union([Type.Literal('PENDING'), Type.Literal('APPROVED'), Type.Literal('REJECTED')]),
    ),
  },
  { additionalProperties: false },
);

const FixtureBoard = Type.Object(
  {
    id: Id,
    owner: Username,
    name: Type.String({ minLength: 1, maxLength: 180 }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    privacy: Type.Optional(
      Type.Union([Type.Literal('PUBLIC'), Type.Literal('PROTECTED'), Type.Literal('SECRET')]),
    ),
    sections: Type.Optional(
      Type.Array(
        Type.Object(
          { id: Id, name: Type.String({ minLength: 1, maxLength: 180 }) },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

const FixtureImage = Type.Object(
  {
    color: Type.Optional(Type.String({ pattern: '^#[0-9A-Fa-f]{6}$', description: 'Solid fill colour.' })),
    width: Type.Optional(Type.Integer({ minimum: 16, maximum: 4000 })),
    height: Type.Optional(Type.Integer({ minimum: 16, maximum: 4000 })),
  },
  { additionalProperties: false },
);

const FixturePin = Type.Object(
  {
    id: Id,
    board_id: Id,
    board_section_id: Type.Optional(Type.Union([Id, Type.Null()])),
    title: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 800 }), Type.Null()])),
    link: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])),
    alt_text: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    image: Type.Optional(FixtureImage),
  },
  { additionalProperties: false },
);

const FixtureToken = Type.Object(
  {
    token: Type.String({
      pattern: '^pina_[A-Za-z0-9_-]{16,200}$',
      description: 'The exact bearer token; the server stores only its SHA-256.',
    }),
    user: Username,
    app: Type.Optional(
      Type.Union([Type.String({ pattern: '^[0-9]{1,20}$' }), Type.Null()], {
        description: "An app's client_id; the built-in Corkboard CLI app when absent.",
      }),
    ),
    scopes: Type.Optional(Type.Array(Type.String(), { description: 'Every scope when absent.' })),
    expires_at: Type.Optional(Type.String({ description: 'RFC 3339; a year from loading when absent.' })),
  },
  { additionalProperties: false },
);

export const FixtureSchema = Type.Object(
  {
    format: Type.Literal(FIXTURE_FORMAT),
    version: Type.Literal(FIXTURE_VERSION),
    users: Type.Array(FixtureUser),
    apps: Type.Optional(Type.Array(FixtureApp)),
    boards: Type.Optional(Type.Array(FixtureBoard)),
    pins: Type.Optional(Type.Array(FixturePin)),
    tokens: Type.Optional(Type.Array(FixtureToken)),
  },
  { additionalProperties: false },
);

export type Fixture = Static<typeof FixtureSchema>;
export type FixtureImageSpec = Static<typeof FixtureImage>;

export class FixtureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FixtureError';
  }
}

const MAX_ID = 9223372036854775807n;

/** Parses and checks a fixture; every problem names where it is (e.g. `/pins/2/board_id`). */
export function parseFixture(text: string): Fixture {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new FixtureError(`the fixture is not valid JSON (${(error as Error).message})`);
  }
  const first = Value.Errors(FixtureSchema, data).First();
  if (first) {
    const where = first.path || '/';
    if (first.path === '/format' || first.path === '/version')
      throw new FixtureError(
        `${where}: a fixture starts with "format": "${FIXTURE_FORMAT}", "version": ${FIXTURE_VERSION}`,
      );
    throw new FixtureError(`${where}: ${first.message}`);
  }
  const fixture = data as Fixture;
  const ids = new Set<string>();
  const idOnce = (id: string, where: string) => {
    if (BigInt(id) > MAX_ID) throw new FixtureError(`${where}: ${id} is larger than a 64-bit id`);
    if (ids.has(id)) throw new FixtureError(`${where}: id ${id} is used twice`);
    ids.add(id);
  };
  const usernames = new Set<string>();
  fixture.users.forEach((user, i) => {
    idOnce(user.id, `/users/${i}/id`);
    const key = user.username.toLowerCase();
    if (usernames.has(key)) throw new FixtureError(`/users/${i}/username: "${user.username}" is used twice`);
    usernames.add(key);
  });
  const hasUser = (name: string) => usernames.has(name.toLowerCase());
  const clientIds = new Set<string>();
  (fixture.apps ?? []).forEach((app, i) => {
    idOnce(app.id, `/apps/${i}/id`);
    if (!hasUser(app.owner))
      throw new FixtureError(`/apps/${i}/owner: no user "${app.owner}" in the fixture`);
    if (clientIds.has(app.client_id)) throw new FixtureError(`/apps/${i}/client_id: used twice`);
    clientIds.add(app.client_id);
  });
  const sections = new Map<string, string>();
  const boards = new Set<string>();
  (fixture.boards ?? []).forEach((board, i) => {
    idOnce(board.id, `/boards/${i}/id`);
    boards.add(board.id);
    if (!hasUser(board.owner))
      throw new FixtureError(`/boards/${i}/owner: no user "${board.owner}" in the fixture`);
    (board.sections ?? []).forEach((section, j) => {
      idOnce(section.id, `/boards/${i}/sections/${j}/id`);
      sections.set(section.id, board.id);
    });
  });
  (fixture.pins ?? []).forEach((pin, i) => {
    idOnce(pin.id, `/pins/${i}/id`);
    if (!boards.has(pin.board_id))
      throw new FixtureError(`/pins/${i}/board_id: no board ${pin.board_id} in the fixture`);
    if (pin.board_section_id && sections.get(pin.board_section_id) !== pin.board_id)
      throw new FixtureError(`/pins/${i}/board_section_id: no section ${pin.board_section_id} on that board`);
  });
  const tokens = new Set<string>();
  (fixture.tokens ?? []).forEach((token, i) => {
    if (!hasUser(token.user))
      throw new FixtureError(`/tokens/${i}/user: no user "${token.user}" in the fixture`);
    if (token.app && !clientIds.has(token.app))
      throw new FixtureError(`/tokens/${i}/app: no app with client_id ${token.app} in the fixture`);
    if (token.expires_at !== undefined && Number.isNaN(Date.parse(token.expires_at)))
      throw new FixtureError(`/tokens/${i}/expires_at: not an RFC 3339 time`);
    if (tokens.has(token.token)) throw new FixtureError(`/tokens/${i}/token: used twice`);
    tokens.add(token.token);
  });
  return fixture;
}
