import { Type, type SchemaOptions, type TUnsafe } from '@sinclair/typebox';
import { IdString, Nullable } from '../../http/schema-helpers.js';

/** A string enum as OpenAPI writes it (`enum: [...]`), so validation errors list the values. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const BOARD_PRIVACIES = ['PUBLIC', 'PROTECTED', 'SECRET'] as const;
export const BOARD_UPDATE_PRIVACIES = ['PUBLIC', 'SECRET'] as const;
export const BOARD_PRIVACY_FILTERS = ['ALL', 'PUBLIC', 'PROTECTED', 'SECRET', 'PUBLIC_AND_SECRET'] as const;

export const BoardOwnerSchema = Type.Object(
  { username: Type.String({ description: 'Username of the owner.' }) },
  { $id: 'BoardOwner', description: 'Board owner containing the username.' },
);

const BoardMediaSchema = Type.Object(
  {
    image_cover_url: Nullable(Type.String(), {
      description:
        'Board cover image: the 400x300 image of the newest Pin the caller can see; null when none.',
    }),
    pin_thumbnail_urls: Type.Array(Type.String(), {
      description: 'Board pin thumbnail urls: 150x150 images of up to 5 newest Pins the caller can see.',
    }),
  },
  { $id: 'BoardMedia', description: 'Board media.' },
);

function boardFields(privacy: ReturnType<typeof StringEnum>) {
  return {
    id: IdString('Unique identifier of the board.'),
    created_at: Type.String({ format: 'date-time', description: 'Date and time of board creation.' }),
    board_pins_modified_at: Type.String({
      format: 'date-time',
      description: 'Date and time of last board pins modified (added, removed or moved).',
    }),
    name: Type.String({ description: 'Name of the board.' }),
    description: Nullable(Type.String(), { description: 'Description of the board.' }),
    owner: BoardOwnerSchema,
    privacy,
    is_ads_only: Type.Boolean({
      description: 'Whether the board is ad-only (its privacy is then PROTECTED).',
    }),
    media: BoardMediaSchema,
    pin_count: Type.Integer({ minimum: 0, description: 'Count of Pins on the board the caller can see.' }),
    follower_count: Type.Integer({ minimum: 0, description: 'Board follower count.' }),
    collaborator_count: Type.Integer({ minimum: 0, description: 'Count of collaborators on the board.' }),
  };
}

export const BoardSchema = Type.Object(
  boardFields(StringEnum(BOARD_PRIVACIES, { description: 'Privacy setting for a board.' })),
  { $id: 'Board', description: 'Board model containing properties related to a Pinterest Board.' },
);

export const BoardWithUpdatePrivacySchema = Type.Object(
  boardFields(StringEnum(BOARD_UPDATE_PRIVACIES, { description: 'Privacy setting for a board.' })),
  { $id: 'BoardWithUpdatePrivacy', description: 'A Pinterest Board, as boards/update returns it.' },
);

export const BoardCreateSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 180,
      description: 'Name of the board (1 to 180 characters, unique per owner).',
    }),
    description: Type.Optional(
      Nullable(Type.String({ maxLength: 500 }), { description: 'Description (up to 500 characters).' }),
    ),
    privacy: Type.Optional(
      StringEnum(BOARD_PRIVACIES, {
        description:
          'Privacy setting (default PUBLIC). SECRET needs boards:write_secret; PROTECTED makes the board ad-only.',
      }),
    ),
    is_ads_only: Type.Optional(
      Type.Boolean({
        description: 'If true the board is ad-only and its privacy becomes PROTECTED (default false).',
      }),
    ),
  },
  { $id: 'BoardCreate', description: 'Board to create.' },
);

export const BoardWithUpdatePrivacyUpdateSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 180, description: 'New name of the board.' })),
    description: Type.Optional(
      Nullable(Type.String({ maxLength: 500 }), { description: 'New description.' }),
    ),
    privacy: Type.Optional(
      StringEnum(BOARD_UPDATE_PRIVACIES, {
        description: 'New privacy setting. Making a board SECRET needs boards:write_secret.',
      }),
    ),
  },
  { $id: 'BoardWithUpdatePrivacyUpdate', description: 'Fields of a board to change.' },
);

export const BoardIdParams = Type.Object({ board_id: IdString('Unique identifier of a board.') });
