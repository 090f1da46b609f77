require('/work/main/tools/updown/src/typescript.js').registerTypeScript();
const { Client } = require('pg');
const q = require('/work/main/tools/updown/src/schema/queries.ts');
(async () => { const c = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/vb2' }); await c.connect();
 const r = await c.query('EXPLAIN ANALYZE ' + q.SCOPED.COMMENTS, ['public', ['bench_0500']]); console.log(r.rows.map(x=>x['QUERY PLAN']).join('\n')); await c.end(); })();
