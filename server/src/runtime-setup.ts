/**
 * Imported first by main.ts, before anything touches libuv's thread pool: image work (sharp)
 * shares that pool with file writes and DNS lookups, and its default of 4 threads lets two
 * concurrent ingests starve them. An explicit UV_THREADPOOL_SIZE still wins.
 */
process.env.UV_THREADPOOL_SIZE ??= '8';
