import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { FastReader } from './index.js';

const SLOT = '\u0000corkboard-slot:';

interface Compiled<Name extends string> {
  sql: string;
  slots: Array<{ arg: Name } | { value: unknown }>;
}

function compileWithSlots<Name extends string, Row>(
  names: readonly Name[],
  build: (placeholders: Record<Name, never>) => Compilable<Row>,
): Compiled<Name> {
  const placeholders = Object.fromEntries(names.map((n) => [n, `${SLOT}${n}`])) as Record<Name, never>;
  const query = build(placeholders).compile();
  return {
    sql: query.sql,
    slots: query.parameters.map((p) =>
      typeof p === 'string' && p.startsWith(SLOT) ? { arg: p.slice(SLOT.length) as Name } : { value: p },
    ),
  };
}

/** The compiled query's parameters: each argument in its slots, the fixed values as they were. */
function bind<Name extends string>(compiled: Compiled<Name>, args: Record<Name, unknown>): unknown[] {
  return compiled.slots.map((slot) => ('arg' in slot ? args[slot.arg] : slot.value));
}

async function run<Name extends string, Row, DB>(
  db: Kysely<DB>,
  compiled: Compiled<Name>,
  args: Record<Name, unknown>,
  reader: FastReader | null,
): Promise<Row[]> {
  const parameters = bind(compiled, args);
  if (reader) return reader.all(compiled.sql, parameters) as Row[];
  return (await db.executeQuery<Row>(CompiledQuery.raw(compiled.sql, parameters))).rows;
}

/**
 * A query built with Kysely once and then run many times with new arguments, for the API's hot
 * paths (token check, pin get, board pages): building and compiling a query costs more than
 * SQLite takes to answer it. `build` receives a placeholder for each named argument, to use
 * wherever that value goes; the compiled SQL is kept and each call binds the arguments in their
 * places. Dialect-neutral: it compiles with whichever dialect `db` has. With a `reader` (SQLite's
 * read-only connection) it runs there, synchronously: only for reads that may not see the
 * caller's own uncommitted writes, i.e. never inside a transaction.
 */
export function preparedQuery<Name extends string, Row, DB>(
  db: Kysely<DB>,
  names: readonly Name[],
  build: (placeholders: Record<Name, never>) => Compilable<Row>,
  reader: FastReader | null = null,
): (args: Record<Name, unknown>) => Promise<Row[]> {
  let compiled: Compiled<Name> | null = null;
  return (args) => run(db, (compiled ??= compileWithSlots(names, build)), args, reader);
}

/**
 * Like preparedQuery, but the query is not run: each call gives the CompiledQuery with its
 * arguments bound, for the caller to execute where it must (inside a transaction, say).
 */
export function compiledQuery<Name extends string, Row>(
  names: readonly Name[],
  build: (placeholders: Record<Name, never>) => Compilable<Row>,
): (args: Record<Name, unknown>) => CompiledQuery<Row> {
  let compiled: Compiled<Name> | null = null;
  return (args) => {
    compiled ??= compileWithSlots(names, build);
    const parameters = bind(compiled, args);
    return CompiledQuery.raw(compiled.sql, parameters) as CompiledQuery<Row>;
  };
}

/**
 * Like preparedQuery for a query whose SQL depends on which filters are used: one compiled
 * form is kept per `shape` (a string naming the filters present), so building happens once per
 * shape, not once per request.
 */
export class ShapedQueries<Name extends string, Row, DB> {
  private readonly byShape = new Map<string, Compiled<Name>>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly names: readonly Name[],
    private readonly reader: FastReader | null = null,
  ) {}

  run(
    shape: string,
    build: (placeholders: Record<Name, never>) => Compilable<Row>,
    args: Partial<Record<Name, unknown>>,
  ): Promise<Row[]> {
    let compiled = this.byShape.get(shape);
    if (!compiled) {
      compiled = compileWithSlots(this.names, build);
      if (this.byShape.size > 200) this.byShape.clear();
      this.byShape.set(shape, compiled);
    }
    return run(this.db, compiled, args as Record<Name, unknown>, this.reader);
  }
}
