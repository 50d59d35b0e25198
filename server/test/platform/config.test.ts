import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('has working defaults for the quick start', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mode: 'sandbox',
      port: 8080,
      publicUrl: 'http://localhost:8080',
      databaseUrl: null,
      seedDemo: true,
    });
  });

  it('lists every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', CORKBOARD_MODE: 'prod', DATABASE_URL: 'mysql://x', PUBLIC_URL: 'nope' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'CORKBOARD_MODE', 'DATABASE_URL', 'PUBLIC_URL'])
        expect(problems).toContain(name);
    }
  });

  it('refuses sandbox-only settings in production mode', () => {
    expect(() => loadConfig({ CORKBOARD_MODE: 'production', FETCH_ALLOW_LOOPBACK: 'true' })).toThrow(
      /FETCH_ALLOW_LOOPBACK/,
    );
    expect(() => loadConfig({ CORKBOARD_MODE: 'production', SEED_DEMO: 'true' })).toThrow(/SEED_DEMO/);
    expect(loadConfig({ CORKBOARD_MODE: 'production' }).seedDemo).toBe(false);
  });

  it('strips a trailing slash from PUBLIC_URL so media URLs are well formed', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://pins.example.com/' }).publicUrl).toBe(
      'https://pins.example.com',
    );
  });
});
