import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PublicPack } from './auditModel.ts';

/**
 * Every public pack already issued into the out folder (`<period>-public/manifest.json`):
 * what an intruder has besides the pack being built. A manifest that cannot be read is
 * skipped (it is not a pack the public can read either).
 */
export function readIssuedPublicPacks(outDir: string): PublicPack[] {
  if (!existsSync(outDir)) return [];
  const packs: PublicPack[] = [];
  for (const name of readdirSync(outDir)
    .filter((d) => d.endsWith('-public'))
    .sort()) {
    const path = join(outDir, name, 'manifest.json');
    try {
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as PublicPack['manifest'];
      if (manifest?.pack && Array.isArray(manifest.metrics) && manifest.snapshot?.id) packs.push({ name, manifest });
    } catch {
      // Not a readable pack.
    }
  }
  return packs;
}
