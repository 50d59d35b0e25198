import { Type, type SchemaOptions, type TSchema, type TUnsafe, type Static } from '@sinclair/typebox';

/** OpenAPI 3.0 style nullable (not `type: 'null'`), understood by Fastify's serializer. */
export function Nullable<T extends TSchema>(
  schema: T,
  options: SchemaOptions = {},
): TUnsafe<Static<T> | null> {
  return Type.Unsafe<Static<T> | null>({ ...schema, ...options, nullable: true });
}

export const ErrorSchema = Type.Object(
  {
    code: Type.Integer({ description: 'Error code.' }),
    message: Type.String({ description: 'What went wrong, in words.' }),
  },
  { $id: 'Error', description: 'Pinterest error.' },
);

export const IdString = (description: string) => Type.String({ pattern: '^\\d+$', description });

export const AdAccountQuery = Type.Object({
  ad_account_id: Type.Optional(
    Type.String({
      maxLength: 18,
      pattern: '^\\d+$',
      description:
        'Unique identifier of an ad account. Corkboard has no ad accounts: any value is refused (403).',
    }),
  ),
});

export const PageQuery = {
  bookmark: Type.Optional(Type.String({ description: 'Cursor used to fetch the next page of items.' })),
  page_size: Type.Integer({
    minimum: 1,
    maximum: 250,
    default: 25,
    description: 'Maximum number of items to include in a single page of the response.',
  }),
};

export function Paginated<T extends TSchema>(item: T, description: string) {
  return Type.Object(
    {
      items: Type.Array(item, { description }),
      bookmark: Nullable(Type.String(), { description: 'Cursor for the next page; null on the last page.' }),
    },
    { description: `A page of ${description.toLowerCase()}.` },
  );
}

/**
 * A query parameter that takes an array given either repeated (`?a=X&a=Y`) or
 * comma-separated (`?a=X,Y`), as Pinterest's clients send both.
 */
export function CsvArray<T extends TSchema>(item: T, description: string) {
  return Type.Array(item, { description });
}

export function splitCsv(values: string[] | undefined): string[] {
  if (!values) return [];
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}
