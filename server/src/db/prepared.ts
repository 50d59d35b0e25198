import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

const SLOT = '\u0000corkboard-slot:';

/**
 * A query built with Kysely once and then run many times with new arguments, for the API's hot
 * paths (token check, pin get): building and compiling a query costs more than SQLite takes
 * to answer it. `build` receives a placeholder for each named argument, to use wherever that
 * value goes; the compiled SQL is kept and each call binds the arguments in their places.
 * Dialect-neutral: it compiles with whichever dialect `db` has.
 */
export function preparedQuery<Name extends string, Row, DB>(
  db: Kysely<DB>,
  names: readonly Name[],
  build: (placeholders: Record<Name, string>) => Compilable<Row>,
): (args: Record<Name, string>) => Promise<Row[]> {
  let compiled: { sql: string; slots: Array<{ arg: Name } | { value: unknown }> } | null = null;
  return async (args) => {
    if (!compiled) {
      const placeholders = Object.fromEntries(names.map((n) => [n, `${SLOT}${n}`])) as Record<Name, string>;
      const query = build(placeholders).compile();
      compiled = {
        sql: query.sql,
        slots: query.parameters.map((p) =>
          typeof p === 'string' && p.startsWith(SLOT) ? { arg: p.slice(SLOT.length) as Name } : { value: p },
        ),
      };
    }
    const parameters = compiled.slots.map((slot) => ('arg' in slot ? args[slot.arg] : slot.value));
    const result = await db.executeQuery<Row>(CompiledQuery.raw(compiled.sql, parameters));
    return result.rows;
  };
}
