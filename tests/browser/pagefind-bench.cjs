// Pagefind on the same built site, for docs/search.md: bytes per query and result counts.
//   node pagefind-bench.cjs <site URL ending in /> <lang prefix> <query>...
// The site must have been indexed with `pagefind --site`. Bytes are those fetched after the
// page itself, each counted gzip-compressed (Pagefind's own files are compressed already).
'use strict';
const zlib = require('zlib');
const { launch } = require('./launch.cjs');

const [base, prefix, ...queries] = process.argv.slice(2);

(async () => {
  const browser = await launch();
  const rows = [];
  for (const q of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(base + prefix + 'search/');
    let bytes = 0;
    const pending = [];
    page.on('response', (r) => pending.push(r.body().then((b) => { bytes += Math.min(b.length, zlib.gzipSync(b).length); }, () => {})));
    const t0 = Date.now();
    const n = await page.evaluate(async (q) => {
      const pf = await import('/pagefind/pagefind.js');
      const r = await pf.search(q);
      await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
      return r.results.length;
    }, q);
    const ms = Date.now() - t0;
    await Promise.all(pending);
    rows.push({ q, results: n, kb: +(bytes / 1024).toFixed(1), ms });
    await context.close();
  }
  await browser.close();
  process.stdout.write(JSON.stringify(rows) + '\n');
})().catch((e) => { console.error(e); process.exit(1); });
