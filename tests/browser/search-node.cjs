// Runs the search client's pure parts under Node for tests/search_*.rs:
//   node search-node.cjs tokenize <strings.json>              → the terms of each string
//   node search-node.cjs query <index folder> <queries.json>  → each query's ranked results
// A query is {"q": "...", "filters": {"type": ["report"]}}; a result lists the matched
// documents' URLs in rank order, the facet counts and the highlighted ranges of each title.
'use strict';
const fs = require('fs');
const path = require('path');
const search = require('../../themes/default/static/assets/search.js');

const [mode, a, b] = process.argv.slice(2);

async function main() {
  if (mode === 'tokenize') {
    const strings = JSON.parse(fs.readFileSync(a, 'utf8'));
    return strings.map((s) => search.tokenize(s));
  }
  if (mode === 'query') {
    const index = new search.Index(async (p, binary) => {
      const bytes = fs.readFileSync(path.join(a, p.replace(/\?.*$/, '')));
      return binary ? bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) : JSON.parse(bytes.toString('utf8'));
    });
    await index.load();
    const out = [];
    for (const { q, filters } of JSON.parse(fs.readFileSync(b, 'utf8'))) {
      const res = await index.search(q);
      const f = index.filter(res.docs, filters || {});
      const docs = await Promise.all(f.docs.map((d) => index.doc(d)));
      const counts = {};
      index.facets.forEach((facet, i) => {
        counts[facet.name] = {};
        facet.values.forEach((v, j) => { if (f.counts[i][j]) counts[facet.name][v[0]] = f.counts[i][j]; });
      });
      out.push({
        q,
        urls: docs.map((d) => d.u),
        counts,
        marks: docs.map((d) => search.highlight(d.t, res.units).map((r) => d.t.slice(r[0], r[1]))),
      });
    }
    return out;
  }
  throw new Error('usage: search-node.cjs tokenize <file> | query <dir> <file>');
}

main().then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });
