// Audits every public pack in an out folder together, as an intruder would (docs/disclosure.md):
// `npx tsx scripts/audit-public.ts out`. Reads only the public manifests and the relations the
// metric metadata declares; prints each figure narrower than the policy, exit 1 if any.
import { resolve } from 'node:path';
import { loadCatalog } from '../pipelines/metrics/catalog.ts';
import { loadRelations } from '../pipelines/metrics/relations.ts';
import { buildAuditModel } from '../pipelines/packs/auditModel.ts';
import { auditRanges } from '../pipelines/packs/intruderAudit.ts';
import { readIssuedPublicPacks } from '../pipelines/packs/issuedPacks.ts';

const out = resolve(process.argv[2] ?? 'out');
const packs = readIssuedPublicPacks(out);
const relations = loadRelations(loadCatalog(resolve(import.meta.dirname, '../queries')));
const minCount = Math.min(...packs.map((p) => p.manifest.pack.disclosure?.min_count ?? 5));
const minRange = Math.min(...packs.map((p) => (p.manifest.pack.disclosure as { min_range?: number } | undefined)?.min_range ?? minCount - 1));
const audit = await auditRanges(buildAuditModel(packs, relations), { minCount, minRange });
console.log(`${packs.length} public packs in ${out}: ${audit.cells.length} protected figures audited, ${audit.violations.length} narrower than the policy.`);
for (const v of audit.violations) console.log(`${v.cell} (shown ${v.display}): ${v.lo} to ${v.hi ?? 'any'} through ${v.routes.join(' and ')}`);
if (audit.inconsistent.length) console.log(`Contradictory figures: ${audit.inconsistent.join(', ')}`);
process.exitCode = audit.violations.length || audit.inconsistent.length ? 1 : 0;
