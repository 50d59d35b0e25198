import { badRequest, notPermitted } from '../../lib/errors.js';
import type { AppsService } from '../apps/service.js';
import {
  DEFAULT_FAULT_SETTINGS,
  faultFor,
  faultSettingsProblems,
  parseFaultHeader,
  SeededRandom,
  type Fault,
  type FaultSettings,
} from './faults.js';
import type { AppSandboxRepo } from './repo.js';

export interface AppSandboxSettings {
  faults: FaultSettings;
  inspector: { enabled: boolean };
  updatedAt: string | null;
}

export interface AppSandboxUpdate {
  faults?: Partial<FaultSettings>;
  inspector?: { enabled?: boolean };
}

/** What one process holds for an app: its settings and where its fault sequence is. */
interface CachedState {
  settings: AppSandboxSettings;
  random: SeededRandom;
  loadedAtMs: number;
}

/** Settings changed in another process show here within this time. */
export const SETTINGS_TTL_MS = 2000;

export interface AppSandboxOptions {
  repo: AppSandboxRepo;
  apps: AppsService;
  /** Sandbox tools exist in sandbox mode only. */
  enabled: boolean;
  now?: () => number;
}

/**
 * Sandbox settings an app's owner turns on for their own app: fault injection and the call
 * inspector. Reads on the request path come from memory (refreshed every SETTINGS_TTL_MS, and at
 * once in the process that saved a change); saving settings restarts the fault sequence from the
 * seed, so a test run can be repeated exactly. The sequence is per server process.
 */
export class AppSandboxService {
  private readonly cache = new Map<string, CachedState>();
  private readonly loading = new Map<string, Promise<CachedState>>();

  constructor(private readonly options: AppSandboxOptions) {}

  get enabled(): boolean {
    return this.options.enabled;
  }

  async getForOwner(ownerId: string, appId: string): Promise<AppSandboxSettings> {
    this.requireSandbox();
    await this.options.apps.getOwned(ownerId, appId);
    return (await this.load(appId)).settings;
  }

  async updateForOwner(
    ownerId: string,
    appId: string,
    update: AppSandboxUpdate,
  ): Promise<AppSandboxSettings> {
    this.requireSandbox();
    await this.options.apps.getOwned(ownerId, appId);
    const current = (await this.load(appId)).settings;
    const faults: FaultSettings = { ...current.faults, ...definedOnly(update.faults ?? {}) };
    const problems = faultSettingsProblems(faults);
    if (problems.length > 0) throw badRequest(`Invalid fault settings: ${problems.join('; ')}.`);
    const inspectorEnabled = update.inspector?.enabled ?? current.inspector.enabled;
    const updatedAt = new Date(this.now()).toISOString();
    await this.options.repo.save({
      appId,
      faultsJson: JSON.stringify(faults),
      inspectorEnabled,
      updatedAt,
    });
    const settings: AppSandboxSettings = { faults, inspector: { enabled: inspectorEnabled }, updatedAt };
    this.cache.set(appId, { settings, random: new SeededRandom(faults.seed), loadedAtMs: this.now() });
    return settings;
  }

  /**
   * False when memory already says this app has fault injection off (the common case, decided
   * with no promise); true when it is on or its settings must be (re)read first.
   */
  mayInject(appId: string): boolean {
    if (!this.options.enabled) return false;
    const cached = this.cache.get(appId);
    if (!cached || this.now() - cached.loadedAtMs >= SETTINGS_TTL_MS) return true;
    return cached.settings.faults.enabled;
  }

  /**
   * The fault for this call of `appId`, or null. A call asks for one itself with the
   * X-Corkboard-Fault header when the app allows it; otherwise the app's seeded generator
   * draws. An app that has not turned fault injection on never gets one.
   */
  async faultForCall(appId: string, header: string | undefined): Promise<Fault | null> {
    if (!this.options.enabled) return null;
    const state = await this.state(appId);
    const { faults } = state.settings;
    if (!faults.enabled) return null;
    if (header !== undefined && faults.allow_header) {
      const asked = parseFaultHeader(header);
      if (!asked)
        throw badRequest(
          "Invalid header 'X-Corkboard-Fault': use 429, 500, 503 or delay=MS (MS up to 30000).",
        );
      return asked;
    }
    return faultFor(faults, state.random.next());
  }

  /** True when memory already says the call inspector is off for this app (no promise needed). */
  inspectorKnownOff(appId: string): boolean {
    if (!this.options.enabled) return true;
    const cached = this.cache.get(appId);
    return !!cached && this.now() - cached.loadedAtMs < SETTINGS_TTL_MS && !cached.settings.inspector.enabled;
  }

  /** Whether the call inspector keeps bodies for this app's calls. */
  async inspectorEnabled(appId: string): Promise<boolean> {
    if (!this.options.enabled) return false;
    return (await this.state(appId)).settings.inspector.enabled;
  }

  private async state(appId: string): Promise<CachedState> {
    const cached = this.cache.get(appId);
    if (cached && this.now() - cached.loadedAtMs < SETTINGS_TTL_MS) return cached;
    return this.load(appId);
  }

  /** Reads the settings; keeps the fault sequence going when they did not change. */
  private load(appId: string): Promise<CachedState> {
    const pending = this.loading.get(appId);
    if (pending) return pending;
    const promise = this.options.repo
      .find(appId)
      .then((row) => {
        const settings: AppSandboxSettings = row
          ? {
              faults: {
                ...DEFAULT_FAULT_SETTINGS,
                ...(JSON.parse(row.faultsJson) as Partial<FaultSettings>),
              },
              inspector: { enabled: row.inspectorEnabled },
              updatedAt: row.updatedAt,
            }
          : { faults: { ...DEFAULT_FAULT_SETTINGS }, inspector: { enabled: false }, updatedAt: null };
        const previous = this.cache.get(appId);
        const random =
          previous && previous.settings.updatedAt === settings.updatedAt
            ? previous.random
            : new SeededRandom(settings.faults.seed);
        const state: CachedState = { settings, random, loadedAtMs: this.now() };
        this.cache.set(appId, state);
        return state;
      })
      .finally(() => this.loading.delete(appId));
    this.loading.set(appId, promise);
    return promise;
  }

  private requireSandbox(): void {
    if (!this.options.enabled)
      throw notPermitted(
        'Fault injection and the call inspector exist in sandbox mode only (CORKBOARD_MODE=sandbox).',
      );
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
