import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
async function q(s){ try { const r = await c.runAndReadAll(s); console.log(JSON.stringify(r.getRowObjectsJson())); } catch(e){ console.log('ERR', e.message.slice(0,300)); } }
await q(`select trim(' \t\u00a0x\u00a0 ', ' \t\u00a0') t, try_cast('1.5' as integer) i, try_cast('1e3' as decimal(12,4)) d, regexp_full_match('12', '\\d+') m`);
await q(`select e.field, e.reason from (select unnest([{'field':'a','reason':null::varchar},{'field':'b','reason':'x'}]) e) where e.reason is not null`);
import fs from 'node:fs';
fs.writeFileSync('/tmp/exp/n.csv', '2,a,"b\nc",d\n5,x,y,z\n');
await q(`select * from read_csv('/tmp/exp/n.csv', auto_detect=false, header=false, delim=',', quote='"', escape='"', new_line='\\n', columns={'__line':'BIGINT','c0':'VARCHAR','c1':'VARCHAR','c2':'VARCHAR'})`);
await q(`select list_filter(list_transform(string_split(' a; ;b ;', ';'), x -> trim(x)), x -> x <> '') l`);
