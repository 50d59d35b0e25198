import type { Config } from '../../config.js';
import type { AppContext } from '../../context.js';

export interface DemoInfo {
  token: string;
  passwords: Record<string, string>;
}

export async function seedDemoIfEmpty(_ctx: AppContext): Promise<DemoInfo | null> {
  return null;
}

export function printBanner(config: Config, _demo: DemoInfo | null): void {
  console.log(`Corkboard is serving ${config.publicUrl} (${config.mode} mode)`);
}
