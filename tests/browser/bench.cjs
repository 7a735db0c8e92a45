// Bytes a query transfers, and how long it takes once cached, against a built site:
//   node bench.cjs <site output folder> <lang prefix: "" or "en/"> <query>...
// Each query starts cold (new client, empty caches) and counts, gzip-compressed at level 6
// as a static server would send them: search.js, the manifest, the shards the query needs,
// the metadata chunks of the first page of ten results and, as the search page does, the
// body-text chunks of those results whose excerpt source has no match.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const search = require('../../themes/default/static/assets/search.js');

const [out, prefix, ...queries] = process.argv.slice(2);
const dir = path.join(out, prefix, 'search');
const gz = (b) => zlib.gzipSync(b, { level: 6 }).length;
const client = gz(fs.readFileSync(path.join(out, 'assets/search.js')));

async function run(q) {
  const fetched = new Map();
  const index = new search.Index(async (p, binary) => {
    const file = p.replace(/\?.*$/, '');
    const bytes = fs.readFileSync(path.join(dir, file));
    fetched.set(file, gz(bytes));
    return binary ? bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) : JSON.parse(bytes.toString('utf8'));
  });
  const t0 = process.hrtime.bigint();
  const res = await index.search(q);
  const f = index.filter(res.docs, {});
  await Promise.all(f.docs.slice(0, 10).map(async (d) => {
    const m = await index.doc(d);
    if (!search.highlight(m.x, res.units).length && index.m.text) await index.text(d);
  }));
  const cold = Number(process.hrtime.bigint() - t0) / 1e6;
  const t1 = process.hrtime.bigint();
  const again = await index.search(q);
  index.filter(again.docs, {});
  const warm = Number(process.hrtime.bigint() - t1) / 1e6;
  let shards = 0, chunks = 0, texts = 0, manifest = 0;
  for (const [file, size] of fetched) {
    if (/(^|\/)t\//.test(file)) shards += size;
    else if (file.startsWith('d/')) chunks += size;
    else if (/(^|\/)x\//.test(file)) texts += size;
    else manifest += size;
  }
  return { q, results: f.docs.length, kb: +((client + manifest + shards + chunks + texts) / 1024).toFixed(1),
    client, manifest, shards, chunks, texts, files: fetched.size, cold_ms: +cold.toFixed(1), cached_ms: +warm.toFixed(1) };
}

(async () => {
  const rows = [];
  for (const q of queries) rows.push(await run(q));
  process.stdout.write(JSON.stringify(rows, null, 1) + '\n');
})().catch((e) => { console.error(e); process.exit(1); });
