require('/work/main/tools/updown/src/typescript.js').registerTypeScript();
const { Client } = require('pg');
const q = require('/work/main/tools/updown/src/schema/queries.ts');
(async () => {
  const c = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/vb2' }); await c.connect();
  await c.query('BEGIN'); await c.query('ALTER TABLE bench_0500 ADD COLUMN zz int');
  const scope = ['bench_0500'];
  for (let round = 0; round < 2; round++) {
    const out = [];
    for (const [k, sql] of Object.entries({ ...q, ...Object.fromEntries(Object.entries(q.SCOPED).map(([k, v]) => ['S_' + k, v])) })) {
      if (typeof sql !== 'string') continue; const t = process.hrtime.bigint();
      await c.query(sql, k.startsWith('S_') ? ['public', scope] : ['public']);
      out.push(k + ' ' + (Number(process.hrtime.bigint() - t) / 1e6).toFixed(1));
    }
    if (round) console.log(out.join('\n'));
  }
  await c.end();
})();
