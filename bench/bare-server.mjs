// The baseline: bare Fastify + better-sqlite3 on the same SQLite file, opened read-only. No auth,
// no scopes, no visibility, no presenter: select the row(s) and JSON them.
//
//   PORT=8091 DB_PATH=bench/.work/data/corkboard.sqlite node bench/bare-server.mjs
//
// With BATCH_RESPONSE_WRITES=true it writes its responses as the full server does by default
// (response batching from server/dist): the like-for-like baseline.
import Fastify from 'fastify';
import SQLite from 'better-sqlite3';

const port = Number(process.env.PORT || 8091);
const db = new SQLite(process.env.DB_PATH, { readonly: true, fileMustExist: true });
db.defaultSafeIntegers(true);

const pinById = db.prepare('select * from pins where id = ?');
const firstPage = db.prepare('select * from pins where board_id = ? order by id desc limit ?');
const nextPage = db.prepare('select * from pins where board_id = ? and id < ? order by id desc limit ?');

/** 64-bit integers come back as bigint (ids must not pass through a JS number): strings for JSON. */
function plain(row) {
  for (const key in row) if (typeof row[key] === 'bigint') row[key] = row[key].toString();
  return row;
}

const app = Fastify({ logger: false });
if (process.env.BATCH_RESPONSE_WRITES === 'true') {
  const { registerResponseBatching } = await import('../server/dist/http/response-batching.js');
  registerResponseBatching(app);
}
app.get('/health', async () => ({ status: 'ok' }));

app.get('/pins/:id', async (request, reply) => {
  const row = pinById.get(request.params.id);
  if (!row) return reply.status(404).send({ code: 404, message: 'Pin not found.' });
  return plain(row);
});

app.get('/boards/:id/pins', async (request) => {
  const size = Math.min(250, Math.max(1, Number(request.query.page_size) || 25));
  const before = request.query.before;
  // One extra row tells whether there is a next page, as the real lists do.
  const rows = before
    ? nextPage.all(request.params.id, before, size + 1)
    : firstPage.all(request.params.id, size + 1);
  const items = rows.slice(0, size).map(plain);
  return { items, bookmark: rows.length > size ? items[items.length - 1].id : null };
});

await app.listen({ host: '127.0.0.1', port });
const close = async () => {
  await app.close();
  db.close();
  process.exit(0);
};
process.once('SIGTERM', close);
process.once('SIGINT', close);
