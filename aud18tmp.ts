import { readFileSync, readdirSync } from 'node:fs';
import { loadCatalog } from './pipelines/metrics/catalog.ts';
import { loadRelations } from './pipelines/metrics/relations.ts';
import { buildAuditModel } from './pipelines/packs/auditModel.ts';
import { auditRanges } from './pipelines/packs/intruderAudit.ts';
const rel = loadRelations(loadCatalog('queries'));
const packs = readdirSync('/tmp/s18/out').filter(d => d.endsWith('-public')).map(d => ({ name: d, manifest: JSON.parse(readFileSync(`/tmp/s18/out/${d}/manifest.json`, 'utf8')) }));
const t = Date.now();
const model = buildAuditModel(packs, rel);
console.log('cells', model.cells.size, 'rels', model.relations.length, 'checked', [...model.cells.values()].filter(c => c.check && c.check !== 'derived').length);
const r = await auditRanges(model, { minCount: 5, minRange: 4 });
console.log(Date.now() - t, 'ms', 'cells', r.cells.length, 'violations', r.violations.length, 'inconsistent', r.inconsistent.length);
for (const v of r.violations) console.log(v.cell, v.display, v.lo, v.hi, v.routes.join('/'));
// group sizes
const parent = new Map<string,string>(); const find=(x:string):string=>{let r=x;while(parent.get(r)!==r)r=parent.get(r)!;return r;};
for (const [id,c] of model.cells) if (c.lo!==c.hi) parent.set(id,id);
for (const rr of model.relations){const v=rr.terms.map(t=>t.cell).filter(x=>parent.has(x));for(const w of v.slice(1))parent.set(find(w),find(v[0]!));}
const sizes=new Map<string,number>();for(const id of parent.keys()){const r=find(id);sizes.set(r,(sizes.get(r)??0)+1);}
console.log([...sizes.values()].sort((a,b)=>b-a).slice(0,15));
