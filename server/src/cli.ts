import { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/index.js';
import { migrateToLatest } from './db/migrate.js';
import { ApiError } from './lib/errors.js';
import { parseScopes } from './modules/tokens/scopes.js';

function configOrExit(): Config {
  // A .env file in the working directory is read first; real environment variables win.
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      console.error('Fix these environment variables (see .env.example) and start again.');
      process.exit(1);
    }
    throw error;
  }
}

function openFromConfig(config: Config) {
  return openDatabase({
    databaseUrl: config.databaseUrl,
    sqlitePath: path.join(config.dataDir, 'corkboard.sqlite'),
  });
}

/** The `corkboard` command line; main.ts runs it, tests call it with their own argv. */
export function createProgram(): Command {
  const program = new Command();
  program
    .name('corkboard')
    .description('Corkboard: a self-hosted Pinterest with a Pinterest API v5 compatible REST API');

  program
    .command('serve', { isDefault: true })
    .description('Migrate the database, seed the demo on first start (sandbox mode) and serve HTTP')
    .option('--port <port>', 'port to listen on (overrides PORT)')
    .option(
      '--ephemeral',
      'sandbox only: state in a temp folder deleted on exit, one JSON line on stdout (URL, tokens), logs on stderr',
      false,
    )
    .option('--fixture <file>', 'with --ephemeral: load this fixture (docs/fixtures.md)')
    .action(async (options: { port?: string; ephemeral: boolean; fixture?: string }) => {
      const config = configOrExit();
      if (options.ephemeral || options.fixture) {
        await serveEphemeralOrExit(config, options);
        return;
      }
      if (options.port !== undefined) config.port = Number(options.port);
      const app = await buildApp(config);
      const { seedDemoIfEmpty, printBanner } = await import('./modules/demo/seed.js');
      const demo = config.seedDemo ? await seedDemoIfEmpty(app) : null;
      const shutdown = async (signal: string) => {
        app.log.info({ signal }, 'shutting down');
        await app.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      await app.listen({ host: config.host, port: config.port });
      printBanner(config, demo);
    });

  program
    .command('migrate')
    .description('Apply pending database migrations and exit')
    .action(async () => {
      const config = configOrExit();
      const database = openFromConfig(config);
      const applied = await migrateToLatest(database.db as never, database.dialect);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
      await database.close();
    });

  const token = program.command('token').description('Access tokens');
  token
    .command('create')
    .description(
      'Create an access token for a user through an app (the built-in "Corkboard CLI" app unless --app) and print it',
    )
    .requiredOption('--user <name>', 'username')
    .option(
      '--scopes <list>',
      'comma-separated scopes',
      'boards:read,boards:write,pins:read,pins:write,user_accounts:read',
    )
    .option('--ttl-days <days>', 'days until it expires', '30')
    .option('--app <client_id>', "an approved app's client_id (default: the built-in CLI app)")
    .action(async (options: { user: string; scopes: string; ttlDays: string; app?: string }) => {
      const config = configOrExit();
      const { scopes, unknown } = parseScopes(options.scopes);
      if (unknown.length > 0) {
        console.error(
          `Unknown scope(s): ${unknown.join(', ')}. Use Pinterest's names, e.g. boards:read,pins:read.`,
        );
        process.exitCode = 1;
        return;
      }
      const ttlDays = Number(options.ttlDays);
      if (!Number.isFinite(ttlDays) || ttlDays <= 0) {
        console.error(`--ttl-days must be a positive number of days (got "${options.ttlDays}").`);
        process.exitCode = 1;
        return;
      }
      const app = await buildApp(config, { logger: false });
      try {
        const user = await app.ctx.accounts.getByUsername(options.user);
        if (!user) {
          console.error(
            `No user named "${options.user}". Start the server once to seed the demo, or sign up first.`,
          );
          process.exitCode = 1;
          return;
        }
        let appId: string;
        if (options.app) {
          const chosen = await app.ctx.apps.findByClientId(options.app);
          if (!chosen || chosen.status !== 'APPROVED') {
            console.error(`No approved app has client_id "${options.app}".`);
            process.exitCode = 1;
            return;
          }
          appId = chosen.id;
        } else {
          appId = await app.ctx.apps.builtinCliAppId();
        }
        const issued = await app.ctx.tokens.issue({
          userId: user.id,
          appId,
          scopes,
          ttlSeconds: Math.round(ttlDays * 86400),
        });
        console.log(issued.token);
      } finally {
        await app.close();
      }
    });

  program
    .command('postman')
    .description(
      'Write the Postman collection (collection.json) and environment (environment.json) for this server; --user puts a fresh access token in the environment',
    )
    .requiredOption('--out <dir>', 'directory to write them to (created if missing)')
    .option('--user <name>', 'username whose new access token goes into the environment')
    .action(async (options: { out: string; user?: string }) => {
      const config = configOrExit();
      const app = await buildApp(config, { logger: false });
      try {
        await app.ready();
        let environment;
        if (options.user) {
          const user = await app.ctx.accounts.getByUsername(options.user);
          if (!user) {
            console.error(
              `No user named "${options.user}". Start the server once to seed the demo, or sign up first.`,
            );
            process.exitCode = 1;
            return;
          }
          environment = await app.postman.environmentFor(user.id);
        } else {
          const { buildPostmanEnvironment } = await import('./modules/postman/collection.js');
          environment = buildPostmanEnvironment({ baseUrl: config.publicUrl, accessToken: '' });
        }
        const collection = await app.postman.getCollection();
        fs.mkdirSync(options.out, { recursive: true });
        fs.writeFileSync(
          path.join(options.out, 'collection.json'),
          JSON.stringify(collection, null, 2) + '\n',
        );
        fs.writeFileSync(
          path.join(options.out, 'environment.json'),
          JSON.stringify(environment, null, 2) + '\n',
          {
            mode: 0o600,
          },
        );
        console.log(
          `Wrote ${path.join(options.out, 'collection.json')} and ${path.join(options.out, 'environment.json')}` +
            (options.user ? ` (with a new access token for ${options.user})` : ' (set access_token in it)'),
        );
      } finally {
        await app.close();
      }
    });

  const apps = program.command('apps').description('Developer apps');
  apps
    .command('create')
    .description(
      'Connect an app for a user and print its client_id and client_secret as JSON (the secret only now)',
    )
    .requiredOption('--owner <name>', 'username of the owner')
    .requiredOption('--name <name>', 'app name')
    .requiredOption(
      '--redirect-uri <uri>',
      'a redirect URI (https, or http for localhost); repeat for more',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--description <text>', 'what the app does', '')
    .option('--website <url>', "the app's website", '')
    .option('--approve', 'approve it at once (otherwise it waits for review)', false)
    .action(
      async (options: {
        owner: string;
        name: string;
        redirectUri: string[];
        description: string;
        website: string;
        approve: boolean;
      }) => {
        const config = configOrExit();
        const app = await buildApp(config, { logger: false });
        try {
          const owner = await app.ctx.accounts.getByUsername(options.owner);
          if (!owner) {
            console.error(`No user named "${options.owner}".`);
            process.exitCode = 1;
            return;
          }
          const created = await app.ctx.apps.create(
            owner.id,
            {
              name: options.name,
              description: options.description,
              websiteUrl: options.website,
              redirectUris: options.redirectUri,
            },
            { approve: options.approve || config.appsAutoApprove },
          );
          console.log(
            JSON.stringify(
              {
                id: created.app.id,
                client_id: created.app.clientId,
                client_secret: created.clientSecret,
                name: created.app.name,
                status: created.app.status,
                tier: created.app.tier,
                redirect_uris: created.app.redirectUris,
              },
              null,
              2,
            ),
          );
        } catch (error) {
          if (error instanceof ApiError) {
            console.error(error.message);
            process.exitCode = 1;
            return;
          }
          throw error;
        } finally {
          await app.close();
        }
      },
    );

  const admin = program.command('admin').description('Server administrators');
  admin
    .command('grant')
    .description('Make an existing user an administrator')
    .argument('<name>', 'username')
    .action(async (name: string) => {
      const config = configOrExit();
      const app = await buildApp(config, { logger: false });
      try {
        const user = await app.ctx.accounts.getByUsername(name);
        if (!user) {
          console.error(`No user named "${name}". Check the spelling, or sign up first.`);
          process.exitCode = 1;
          return;
        }
        const wasAdmin = user.isAdmin;
        await app.ctx.admin.grant(user.username);
        console.log(
          wasAdmin
            ? `${user.username} is already an administrator.`
            : `${user.username} is now an administrator.`,
        );
      } finally {
        await app.close();
      }
    });

  registerBackupCommands(program);
  registerSandboxCommands(program);

  const analytics = program.command('analytics').description('Analytics');
  analytics
    .command('simulate')
    .description(
      "Write believable analytics history for a user's pins (daily and weekly rhythm, a long tail, video watch times)",
    )
    .requiredOption('--user <name>', 'username')
    .option('--days <n>', 'days of history, ending yesterday (UTC)', '90')
    .option('--seed <n>', 'random seed: the same seed gives the same history', '1')
    .option('--daily-impressions <n>', 'mean impressions a weekday, account-wide (default: 25 per pin)')
    .option('--today <YYYY-MM-DD>', 'simulate as if today were this UTC day')
    .action(
      async (options: {
        user: string;
        days: string;
        seed: string;
        dailyImpressions?: string;
        today?: string;
      }) => {
        const { runSimulateCommand } = await import('./modules/analytics/simulate-command.js');
        process.exitCode = await runSimulateCommand(configOrExit(), options);
      },
    );

  const media = program.command('media').description('Media uploads');
  media
    .command('cleanup')
    .description(
      'Delete video uploads that will never make a pin: registrations that expired without a file, failed uploads older than VIDEO_FAILED_RETENTION_DAYS (rows and files)',
    )
    .action(async () => {
      const { runMediaCleanupCommand } = await import('./modules/media/cleanup-command.js');
      process.exitCode = await runMediaCleanupCommand(configOrExit());
    });

  return program;
}

async function serveEphemeralOrExit(
  config: Config,
  options: { port?: string; ephemeral: boolean; fixture?: string },
): Promise<void> {
  const { serveEphemeral, EphemeralError } = await import('./modules/sandbox/ephemeral.js');
  if (!options.ephemeral) {
    console.error('--fixture loads into an ephemeral server only: add --ephemeral.');
    process.exit(1);
  }
  try {
    await serveEphemeral(config, options);
  } catch (error) {
    console.error(error instanceof EphemeralError || error instanceof Error ? error.message : error);
    process.exit(1);
  }
}

/** Sandbox tools: `corkboard reset`, `corkboard fixture export`. */
function registerSandboxCommands(program: Command): void {
  const fixture = program.command('fixture').description('Fixtures for ephemeral servers (docs/fixtures.md)');
  fixture
    .command('export')
    .description(
      'Write the current users, apps, boards, sections and pins as a fixture, with NEW token values (stored tokens are only hashes)',
    )
    .option('--out <file>', 'write to this file instead of stdout')
    .option(
      '--token <user=token>',
      'use this pina_ token for this user instead of minting one; repeat for more',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(async (options: { out?: string; token: string[] }) => {
      const config = configOrExit();
      const tokens: Record<string, string> = {};
      for (const pair of options.token) {
        const match = /^([A-Za-z0-9_]{3,30})=(pina_[A-Za-z0-9_-]{16,200})$/.exec(pair);
        if (!match) {
          console.error(`--token takes USER=pina_… (got "${pair}").`);
          process.exitCode = 1;
          return;
        }
        tokens[match[1]!] = match[2]!;
      }
      const { exportFixture } = await import('./modules/sandbox/fixtures.js');
      const { FixtureError } = await import('./modules/sandbox/fixture-format.js');
      const app = await buildApp(config, { logger: false });
      try {
        const text = JSON.stringify(await exportFixture(app, { tokens }), null, 2) + '\n';
        if (options.out) {
          fs.writeFileSync(options.out, text, { mode: 0o600 });
          console.error(`Fixture written to ${options.out} (it holds tokens: keep it private).`);
        } else {
          process.stdout.write(text);
        }
      } catch (error) {
        if (error instanceof FixtureError) {
          console.error(error.message);
          process.exitCode = 1;
          return;
        }
        throw error;
      } finally {
        await app.close();
      }
    });

  program
    .command('reset')
    .description('Sandbox only: delete every row and media file, then seed the demo again')
    .option('--yes', 'confirm: everything in this sandbox is deleted', false)
    .action(async (options: { yes: boolean }) => {
      const config = configOrExit();
      if (config.mode !== 'sandbox') {
        console.error(
          'corkboard reset is a sandbox tool and this server runs in production mode (CORKBOARD_MODE=production); nothing was changed. For backups use `corkboard export`.',
        );
        process.exitCode = 1;
        return;
      }
      if (!options.yes) {
        console.error(
          `This deletes every user, board, pin, app, token and media file in ${config.databaseUrl ? 'the PostgreSQL database' : config.dataDir} and seeds the demo again. Run \`corkboard reset --yes\` to go ahead.`,
        );
        process.exitCode = 1;
        return;
      }
      const { resetSandbox } = await import('./modules/sandbox/reset.js');
      const app = await buildApp(config, { logger: false });
      try {
        const { demo } = await resetSandbox(app);
        console.log('The sandbox is back in its seeded state.');
        if (demo) {
          for (const [user, password] of Object.entries(demo.passwords))
            console.log(`Sign in as ${user.padEnd(6)} password ${password}`);
          console.log(`Demo token (user demo, every scope): ${demo.token}`);
        } else {
          console.log('SEED_DEMO is off: the sandbox is empty.');
        }
      } finally {
        await app.close();
      }
    });
}

/** `corkboard export FILE` and `corkboard import FILE`: the whole state as one archive (any mode). */
function registerBackupCommands(program: Command): void {
  program
    .command('export')
    .description('Write every table and media file to one archive (tar.gz with a checksummed manifest)')
    .argument('<file>', 'archive to write, e.g. corkboard-backup.tar.gz')
    .action(async (file: string) => {
      const config = configOrExit();
      const { exportBackup } = await import('./modules/backup/service.js');
      const { progressBar } = await import('./modules/backup/progress.js');
      const database = openFromConfig(config);
      try {
        const summary = await exportBackup({
          database,
          mediaDir: path.join(config.dataDir, 'media'),
          file,
          progress: progressBar(),
        });
        console.log(
          `Exported ${summary.rows} rows in ${summary.tables} tables and ${summary.files} media files to ${file}.`,
        );
      } finally {
        await database.close();
      }
    });

  program
    .command('import')
    .description('Load an archive made by `corkboard export` into a fresh, empty database and DATA_DIR')
    .argument('<file>', 'archive to read')
    .option('--force', 'replace everything in a target that is not empty', false)
    .action(async (file: string, options: { force: boolean }) => {
      const config = configOrExit();
      const { importBackup, BackupError } = await import('./modules/backup/service.js');
      const { progressBar } = await import('./modules/backup/progress.js');
      const database = openFromConfig(config);
      try {
        const summary = await importBackup({
          database,
          dataDir: config.dataDir,
          file,
          force: options.force,
          progress: progressBar(),
        });
        if (summary.replaced) console.log(`Replaced what was there: ${summary.replaced.join(', ')}.`);
        console.log(
          `Imported ${summary.rows} rows in ${summary.tables} tables and ${summary.files} media files from ${file}.`,
        );
      } catch (error) {
        if (error instanceof BackupError) {
          console.error(error.message);
          process.exitCode = 1;
          return;
        }
        throw error;
      } finally {
        await database.close();
      }
    });
}
