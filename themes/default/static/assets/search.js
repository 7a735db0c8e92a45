/* Fulcrum site search: the browser side of src/search/. Loaded only when a reader starts
   to search. The tokenizer below mirrors src/search/tokenize.rs rule for rule;
   tests/search_tokenizer.rs checks that both give the same terms. */
(function () {
  'use strict';

  /* ---------- tokenizer (keep in step with tokenize.rs) ---------- */

  function isCjk(c) {
    return (c >= 0x1100 && c <= 0x11ff) || c === 0x3005 || c === 0x3007 ||
      (c >= 0x3041 && c <= 0x309f) || (c >= 0x30a0 && c <= 0x30fa) || (c >= 0x30fc && c <= 0x30ff) ||
      (c >= 0x3130 && c <= 0x318f) || (c >= 0x31f0 && c <= 0x31ff) || (c >= 0x3400 && c <= 0x4dbf) ||
      (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0x20000 && c <= 0x323af);
  }

  function isWord(c) {
    return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
      (c >= 0xc0 && c <= 0xd6) || (c >= 0xd8 && c <= 0xf6) || (c >= 0xf8 && c <= 0x24f) ||
      (c >= 0x300 && c <= 0x4ff) || (c >= 0x1e00 && c <= 0x1eff);
  }

  function isApostrophe(c) { return c === 0x27 || c === 0x2019; }

  // Normalised code points of `text`, each with the index in `text` of the character it came from.
  function normalize(text) {
    var cps = [], from = [], i = 0;
    for (var ch of text) {
      var c = ch.codePointAt(0);
      if (c < 128) {
        cps.push(c >= 65 && c <= 90 ? c + 32 : c);
        from.push(i);
      } else {
        for (var n of ch.normalize('NFKC')) {
          for (var l of n.toLowerCase()) { cps.push(l.codePointAt(0)); from.push(i); }
        }
      }
      i += ch.length;
    }
    return { cps: cps, from: from };
  }

  // Words ({w, pos, a, b}) and CJK runs ({c: code points, pos, a, b}); a and b index the
  // normalised code points.
  function segmentsOf(cps, start) {
    var out = [], pos = start, i = 0, n = cps.length;
    while (i < n) {
      var c = cps[i], a = i;
      if (isCjk(c)) {
        while (i < n && isCjk(cps[i])) i++;
        out.push({ c: cps.slice(a, i), pos: pos, a: a, b: i });
        pos += i - a;
      } else if (isWord(c)) {
        var w = '', b = i;
        while (i < n) {
          c = cps[i];
          if (isWord(c)) { w += String.fromCodePoint(c); b = i + 1; }
          else if (isApostrophe(c) && cps[i + 1] === 0x73 && !(i + 2 < n && isWord(cps[i + 2]))) { i += 2; break; }
          else if (!(isApostrophe(c) && i + 1 < n && isWord(cps[i + 1]))) break;
          i++;
        }
        out.push({ w: w, pos: pos, a: a, b: b });
        pos += 1;
      } else {
        i++;
      }
    }
    return { segs: out, next: pos };
  }

  function isVowel(c) { return 'aeiouy'.indexOf(c) >= 0; }
  function hasVowel(s) { for (var k = 0; k < s.length; k++) if (isVowel(s[k])) return true; return false; }

  function stem(word) {
    if (word.length < 4 || !/^[a-z]+$/.test(word)) return word;
    var w = word, e = function (s) { return w.slice(-s.length) === s; };
    if (e('sses')) w = w.slice(0, -2);
    else if (e('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
    else if (e('s') && !e('ss') && !e('us') && !e('is')) w = w.slice(0, -1);
    var stripped = false;
    if (e('ing') && w.length >= 6 && hasVowel(w.slice(0, -3))) { w = w.slice(0, -3); stripped = true; }
    else if (e('ed') && w.length >= 5 && hasVowel(w.slice(0, -2))) { w = w.slice(0, -2); stripped = true; }
    var n = w.length, last = w[n - 1];
    if (stripped && n >= 2 && last === w[n - 2] && !isVowel(last) && 'lsz'.indexOf(last) < 0) w = w.slice(0, -1);
    else if (e('e') && n > 4) w = w.slice(0, -1);
    return w;
  }

  function tokenize(text, start) {
    var r = segmentsOf(normalize(text).cps, start || 0), out = [];
    r.segs.forEach(function (s) {
      if (s.w !== undefined) { out.push([stem(s.w), s.pos]); return; }
      for (var k = 0; k < s.c.length; k++) {
        out.push([String.fromCodePoint(s.c[k]), s.pos + k]);
        if (k + 1 < s.c.length) out.push([String.fromCodePoint(s.c[k], s.c[k + 1]), s.pos + k]);
      }
    });
    return out;
  }

  /* ---------- index access ---------- */

  function varint(buf, st) {
    var v = 0, shift = 0, b;
    do { b = buf[st.at++]; v += (b & 0x7f) * Math.pow(2, shift); shift += 7; } while (b >= 0x80);
    return v;
  }

  var utf8 = new TextDecoder();

  // Reads a shard's dictionary; postings are decoded on first use, each position's field
  // turned into its rank in this language by `ranks` (the manifest's `fields`).
  function parseShard(buf, ranks) {
    var st = { at: 0 }, terms = [], map = new Map(), prev = '';
    while (st.at < buf.length) {
      var shared = varint(buf, st), len = varint(buf, st);
      var term = prev.slice(0, shared) + utf8.decode(buf.subarray(st.at, st.at + len));
      st.at += len;
      var flags = varint(buf, st), size = varint(buf, st);
      map.set(term, { docs: Math.floor(flags / 4), capped: flags & 2, first: flags & 1, at: st.at, buf: buf, ranks: ranks, list: null });
      terms.push(term);
      st.at += size;
      prev = term;
    }
    return { terms: terms, map: map };
  }

  // Postings in columns (src/search/shard.rs): document deltas, counts, kept counts if the
  // term is capped, then positions. Each entry is [doc, kept positions, count, body unknown]:
  // the last is true when a capped term occurs in a body at positions not kept. A position
  // `field << 16 | offset` becomes `rank * 2^32 + position`, so that positions sort by rank
  // and `fieldOf` gives the rank, while offsets in one field still line up.
  function postingsOf(e) {
    if (e.list) return e.list;
    var st = { at: e.at }, n = e.docs, docs = new Array(n), counts = new Array(n), kept = new Array(n), d, doc = -1, list = new Array(n);
    for (d = 0; d < n; d++) { doc += varint(e.buf, st) + 1; docs[d] = doc; }
    for (d = 0; d < n; d++) counts[d] = varint(e.buf, st);
    for (d = 0; d < n; d++) kept[d] = e.capped ? varint(e.buf, st) : e.first ? Math.min(counts[d], 1) : counts[d];
    for (d = 0; d < n; d++) {
      var pos = new Array(kept[d]), p = 0;
      for (var k = 0, sorted = true; k < kept[d]; k++) {
        p += varint(e.buf, st);
        var r = e.ranks[Math.floor(p / 65536)];
        pos[k] = (r === undefined ? LAST : r) * 4294967296 + p;
        if (k && pos[k] < pos[k - 1]) sorted = false;
      }
      if (!sorted) pos.sort(function (a, b) { return a - b; });
      list[d] = [docs[d], pos, counts[d], !!e.capped && !e.first && counts[d] > kept[d]];
    }
    return (e.list = list);
  }

  // The manifest version this client reads; STALE rejects a file of a build since replaced.
  var VERSION = 4, STALE = new Error('redeployed');

  // An index in one language; `get(path, binary, fresh)` fetches a file relative to the index
  // folder, with `fresh` asking the server even if the browser has a copy.
  function Index(get) {
    this.get = get;
    this.files = new Map();
  }

  // The manifest, asked of the server the first time and after each `recheck`. Other files are
  // addressed by its stamp and dropped when the stamp changes, so a query never mixes two
  // builds whatever the server's caching.
  Index.prototype.load = function () {
    var self = this;
    return self.checked || (self.checked = self.get('manifest.json', false, true).then(function (m) {
      if (m.version !== VERSION) throw new Error('manifest.json: version ' + m.version);
      if (!self.m || m.stamp !== self.m.stamp) self.use(m);
      return m;
    }, function (e) { self.checked = null; throw e; }));
  };

  // The next file fetched checks the manifest first (once per reader action).
  Index.prototype.recheck = function () { if (this.m) this.checked = null; };

  Index.prototype.use = function (m) {
    this.m = m;
    this.files = new Map();
    this.facets = m.facets.map(function (f) {
      var col = new Int16Array(m.docs), at = 0;
      for (var k = 0; k < f.runs.length; k += 2) { col.fill(f.runs[k], at, at + f.runs[k + 1]); at += f.runs[k + 1]; }
      return { name: f.name, values: f.values, col: col };
    });
    // Which language's folder holds each text chunk: a body two languages share is stored once.
    var runs = m.textRuns || [], from = this.textFrom = new Uint8Array(Math.ceil(m.docs / (m.text || 1)));
    for (var r = 0, c = 0; r < runs.length; r += 2) { from.fill(runs[r], c, c + runs[r + 1]); c += runs[r + 1]; }
  };

  // A file of the build in use, kept under `key` (dropped if it fails to load).
  Index.prototype.file = function (key, path, binary, then) {
    var self = this, stamp = self.m.stamp, files = self.files;
    if (!files.has(key)) {
      files.set(key, self.load().then(function () {
        if (self.m.stamp !== stamp) throw STALE;
        return self.get(path + '?v=' + stamp, binary);
      }).then(then).catch(function (e) { files.delete(key); throw e; }));
    }
    return files.get(key);
  };

  Index.prototype.shardFor = function (term) {
    var b = this.m.shards, lo = 0, hi = b.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (b[mid] <= term) lo = mid; else hi = mid - 1; }
    return lo;
  };

  Index.prototype.shard = function (n) {
    var ranks = this.m.fields;
    return this.file('t' + n, this.m.termDir + 't/' + n + '.bin', true, function (b) { return parseShard(new Uint8Array(b), ranks); });
  };

  Index.prototype.chunk = function (n) {
    return this.file('d' + n, 'd/' + n + '.json', false);
  };

  Index.prototype.doc = function (i) {
    var c = this.m.chunk;
    return this.chunk(Math.floor(i / c)).then(function (docs) { return docs[i % c]; });
  };

  // The body text of document i, for an excerpt around a match deep in it.
  Index.prototype.text = function (i) {
    var c = this.m.text, n = Math.floor(i / c);
    return this.file('x' + n, this.m.textDirs[this.textFrom[n]] + 'x/' + n + '.txt', true, function (b) {
      return utf8.decode(new Uint8Array(b)).split('\f');
    }).then(function (texts) { return texts[i % c] || ''; });
  };

  /* ---------- queries ---------- */

  // Every tail of the endings the stemmer strips (-ing, -ed, -ies, plural -s): a word typed
  // up to inside one ("meeti") and completed with each gives every stem shorter than itself
  // that it can become ("meet"), docs/search.md.
  var TAILS = ['s', 'gs', 'ngs', 'ings', 'ds', 'eds', 'es', 'ies', 'g', 'ng', 'ing', 'd', 'ed'];

  // A query's units: each word, and each CJK run (matched as adjacent bigrams). A last word
  // still being typed also matches the words it can become (`prefix`, `alts`).
  function parseQuery(q) {
    var nz = normalize(q), segs = segmentsOf(nz.cps, 0).segs, last = nz.cps[nz.cps.length - 1];
    var open = last !== undefined && isWord(last);
    return segs.map(function (s, k) {
      if (s.w !== undefined) {
        var u = { terms: [stem(s.w)], len: 1, word: s.w, alts: [] };
        if (open && k === segs.length - 1 && s.w.length >= 2) {
          u.prefix = s.w;
          TAILS.forEach(function (t) {
            var a = stem(s.w + t);
            if (!a.startsWith(s.w) && a !== u.terms[0] && u.alts.indexOf(a) < 0) u.alts.push(a);
          });
        }
        return u;
      }
      // Bigrams that cover the run without overlap (中心 and 检测 for 中心检测, plus the
      // last pair for an odd length) pin down every character, so they are all it fetches.
      var t = [], offs = [], c = s.c;
      if (c.length === 1) { t.push(String.fromCodePoint(c[0])); offs.push(0); }
      for (var i = 0; i + 1 < c.length; i += 2) { t.push(String.fromCodePoint(c[i], c[i + 1])); offs.push(i); }
      if (c.length > 2 && c.length % 2) { t.push(String.fromCodePoint(c[c.length - 2], c[c.length - 1])); offs.push(c.length - 2); }
      return { terms: t, offs: offs, len: c.length, cjk: String.fromCodePoint.apply(null, c) };
    });
  }

  // Weights by rank (src/search/mod.rs, field_ranks): the title, names, labels, summary,
  // labels and summaries in other languages, the body, a body in another language.
  var WEIGHT = [10, 7, 4, 3, 2, 1, 0.5], BODY = 5, LAST = 6;

  function fieldOf(p) { return Math.floor(p / 4294967296); }

  // Fetches the shards a query needs (none if they are loaded) and scores every matching document.
  Index.prototype.search = function (q) {
    var self = this;
    return (self.m ? Promise.resolve() : self.load()).then(function () {
      var units = parseQuery(q), need = new Set(), stamp = self.m.stamp;
      units.forEach(function (u) {
        u.terms.concat(u.alts || []).forEach(function (t) { need.add(self.shardFor(t)); });
        if (u.prefix) {
          var a = self.shardFor(u.prefix), b = Math.min(self.shardFor(u.prefix + '\uffff'), a + 2);
          for (var n = a; n <= b; n++) need.add(n);
          u.range = [a, b];
        }
      });
      var ns = Array.from(need);
      return Promise.all(ns.map(function (n) { return self.shard(n); })).then(function (loaded) {
        var shards = new Map();
        ns.forEach(function (n, k) { shards.set(n, loaded[k]); });
        var res = self.rank(units, shards);
        res.stamp = stamp;
        return res;
      });
    });
  };

  function lookup(self, shards, term) {
    var s = shards.get(self.shardFor(term)), e = s && s.map.get(term);
    return e ? postingsOf(e) : [];
  }

  // Per unit: document → {f: best field, n: occurrences, s: start positions, x: exact}.
  function matchUnit(self, shards, u) {
    var hits = new Map();
    if (!u.cjk || u.len === 1) {
      var terms = new Set(u.terms);
      if (u.prefix) {
        u.alts.forEach(function (t) { var s = shards.get(self.shardFor(t)); if (s.map.has(t)) terms.add(t); });
        for (var n = u.range[0]; n <= u.range[1]; n++) {
          var t = shards.get(n).terms, lo = 0, hi = t.length;
          while (lo < hi) { var mid = (lo + hi) >> 1; if (t[mid] < u.prefix) lo = mid + 1; else hi = mid; }
          for (var k = lo; k < t.length && t[k].startsWith(u.prefix) && terms.size < 40; k++) terms.add(t[k]);
        }
      }
      terms.forEach(function (term) {
        lookup(self, shards, term).forEach(function (d) {
          var h = hits.get(d[0]);
          if (!h) hits.set(d[0], (h = { f: 9, n: 0, s: [], x: true, u: false }));
          h.f = Math.min(h.f, d[1].length ? fieldOf(d[1][0]) : BODY);
          h.n += d[2];
          h.s = h.s.concat(d[1]);
          h.u = h.u || d[3];
        });
      });
      hits.forEach(function (h) { h.s.sort(function (a, b) { return a - b; }); });
      return hits;
    }
    // Exact when the covering bigrams line up at their offsets; when they are all there but
    // never line up, a weaker scattered match. A capped bigram (one in most documents) has no
    // body positions, so in the body it is taken to line up wherever the others do.
    var lists = u.terms.map(function (t) { return lookup(self, shards, t); });
    var maps = lists.map(function (l) { var m = new Map(); l.forEach(function (d) { m.set(d[0], d); }); return m; });
    var first = lists.slice().sort(function (a, b) { return a.length - b.length; })[0];
    first.forEach(function (d) {
      var doc = d[0], per = maps.map(function (m) { return m.get(doc); });
      if (!per.every(Boolean)) return;
      var sets = per.map(function (p) { return new Set(p[1]); }), starts = [], ref = 0, known = false;
      for (var i = 0; i < per.length && !known; i++) if (!per[i][3]) { ref = i; known = true; }
      per[ref][1].forEach(function (p) {
        var s = p - u.offs[ref];
        for (var i = 0; i < sets.length; i++) {
          if (!sets[i].has(s + u.offs[i]) && !(per[i][3] && fieldOf(s + u.offs[i]) >= BODY)) return;
        }
        starts.push(s);
      });
      var unknown = per.some(function (p) { return p[3]; });
      if (starts.length) hits.set(doc, { f: fieldOf(starts[0]), n: starts.length, s: starts, x: true, u: unknown });
      // Every bigram is in the body at positions not kept: taken as exact.
      else if (!known) hits.set(doc, { f: BODY, n: Math.min.apply(null, per.map(function (p) { return p[2]; })), s: [], x: true, u: true });
      else hits.set(doc, { f: Math.max.apply(null, per.map(function (p) { return p[1].length ? fieldOf(p[1][0]) : BODY; })), n: 1, s: [], x: false, u: false });
    });
    return hits;
  }

  function inBody(h) { return h.u || h.s.some(function (p) { return fieldOf(p) >= BODY; }); }

  function follows(a, len, b) {
    var j = 0;
    for (var i = 0; i < a.length; i++) {
      while (j < b.length && b[j] < a[i] + len) j++;
      if (j < b.length && b[j] === a[i] + len) return true;
    }
    return false;
  }

  // Ranks documents: more query units matched first, then exact phrases, then the fields
  // matched (name above body) and how often; ties by index order, which is deterministic.
  Index.prototype.rank = function (units, shards) {
    var self = this, per = units.map(function (u) { return matchUnit(self, shards, u); }), score = new Map();
    per.forEach(function (hits, k) {
      hits.forEach(function (h, doc) {
        var r = score.get(doc);
        if (!r) score.set(doc, (r = { doc: doc, m: 0, p: 0, s: 0 }));
        r.m += h.x ? 1 : 0.5;
        r.s += WEIGHT[h.f] * (h.x ? 1 : 0.3) + Math.min(h.n, 10) * 0.05;
        var next = per[k + 1] && per[k + 1].get(doc);
        // Body positions of capped terms are not kept: there, units both in the body count as
        // next to each other.
        if (h.x && next && next.x && (follows(h.s, units[k].len, next.s) || ((h.u || next.u) && inBody(h) && inBody(next)))) r.p += 1;
      });
    });
    var list = Array.from(score.values());
    list.sort(function (a, b) { return b.m - a.m || b.p - a.p || b.s - a.s || a.doc - b.doc; });
    return { units: units, docs: list.map(function (r) { return r.doc; }) };
  };

  // Facet filters: {facet name: [value ids]}; values of one facet combine with "or", facets with "and".
  Index.prototype.filter = function (docs, filters) {
    var self = this, active = self.facets.map(function (f) {
      var want = filters[f.name] || [];
      return want.length ? new Set(want.map(function (id) { return f.values.findIndex(function (v) { return v[0] === id; }); })) : null;
    });
    function passes(doc, skip) {
      for (var i = 0; i < active.length; i++) if (i !== skip && active[i] && !active[i].has(self.facets[i].col[doc])) return false;
      return true;
    }
    var counts = self.facets.map(function (f, i) {
      var c = new Array(f.values.length).fill(0);
      docs.forEach(function (d) { var v = f.col[d]; if (v >= 0 && passes(d, i)) c[v]++; });
      return c;
    });
    return { docs: docs.filter(function (d) { return passes(d, -1); }), counts: counts };
  };

  /* ---------- highlighting ---------- */

  // Ranges [start, end) of `text` to highlight; touching ranges are merged, so adjacent
  // Chinese matches become one span.
  function highlight(text, units) {
    var nz = normalize(text), segs = segmentsOf(nz.cps, 0).segs, marks = [];
    var stems = new Set(), prefixes = [], runs = [];
    units.forEach(function (u) {
      if (u.cjk) runs.push(Array.from(u.cjk));
      else { stems.add(u.terms[0]); u.alts.forEach(function (a) { stems.add(a); }); if (u.prefix) prefixes.push(u.prefix); }
    });
    function src(a, b) {
      var end = b < nz.from.length ? nz.from[b] : text.length;
      marks.push([nz.from[a], Math.max(end, nz.from[a] + 1)]);
    }
    segs.forEach(function (s) {
      if (s.w !== undefined) {
        if (stems.has(stem(s.w)) || prefixes.some(function (p) { return s.w.startsWith(p); })) src(s.a, s.b);
        return;
      }
      var run = s.c.map(function (c) { return String.fromCodePoint(c); });
      runs.forEach(function (q) {
        for (var i = 0; i + q.length <= run.length; i++) {
          var ok = true;
          for (var j = 0; j < q.length && ok; j++) ok = run[i + j] === q[j];
          if (ok) src(s.a + i, s.a + i + q.length);
        }
      });
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    marks.forEach(function (m) {
      var l = merged[merged.length - 1];
      if (l && m[0] <= l[1]) l[1] = Math.max(l[1], m[1]); else merged.push(m.slice());
    });
    return merged;
  }

  var api = { tokenize: tokenize, stem: stem, parseQuery: parseQuery, parseShard: parseShard, Index: Index, highlight: highlight, excerpt: excerpt };
  if (typeof module === 'object' && module.exports) { module.exports = api; return; }

  /* ---------- the search page ---------- */

  var zh = /^zh/i.test(document.documentElement.lang);
  var S = zh ? {
    count: function (n) { return n ? '找到 ' + n + ' 条结果' : '没有找到结果'; }, more: '显示更多结果', filter: '筛选结果',
    type: '类型', city: '城市', level: '级别', status: '状态', kind: '报道类型', year: '年份', wait: '正在搜索…',
    fail: '搜索索引无法加载，请稍后再试，或通过下方的分类浏览查找。', sep: ' · '
  } : {
    count: function (n) { return n === 1 ? '1 result' : n ? n + ' results' : 'No results'; }, more: 'Show more results', filter: 'Filter results',
    type: 'Type', city: 'City', level: 'Level', status: 'Status', kind: 'Report kind', year: 'Year', wait: 'Searching…',
    fail: 'The search index could not be loaded. Try again later, or browse the lists below.', sep: ' · '
  };
  var PAGE = 10;

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) if (attrs[k] !== undefined) e.setAttribute(k, attrs[k]);
    (kids || []).forEach(function (c) { e.append(c); });
    return e;
  }

  function marked(text, units) {
    var frag = document.createDocumentFragment(), at = 0;
    highlight(text, units).forEach(function (r) {
      frag.append(text.slice(at, r[0]), el('mark', {}, [text.slice(r[0], r[1])]));
      at = r[1];
    });
    frag.append(text.slice(at));
    return frag;
  }

  // A window of text around a match: the first one, or with `best`, the one with the most
  // matches close after it.
  function excerpt(text, units, best) {
    var marks = highlight(text, units), r = marks[0], start = 0, most = 0;
    if (best) marks.forEach(function (m, i) {
      var n = 0;
      for (var j = i; j < marks.length && marks[j][0] < m[0] + 120; j++) n++;
      if (n > most) { most = n; r = m; }
    });
    if (r && r[0] > 60) { start = r[0] - 40; while (start > 0 && /\S/.test(text[start - 1]) && r[0] - start < 60) start--; }
    var out = text.slice(start, start + 180);
    return (start > 0 ? '…' : '') + out + (start + 180 < text.length ? '…' : '');
  }

  function init() {
    var form = document.querySelector('form.search-page-form'), input = form && form.querySelector('input[type=search]');
    if (!input) return;
    var base = form.getAttribute('action') || './';
    var index = new Index(function (path, binary, fresh) {
      return fetch(base + path, fresh ? { cache: 'no-cache' } : {}).then(function (r) {
        if (!r.ok) throw new Error(path + ': ' + r.status);
        return binary ? r.arrayBuffer() : r.json();
      });
    });
    var notice = document.querySelector('.search-needs-js');
    if (notice) notice.hidden = true;
    var status = el('p', { id: 'search-status', role: 'status', 'aria-live': 'polite', 'class': 'search-status' });
    var facets = el('div', { 'class': 'search-facets', role: 'group', 'aria-label': S.filter, hidden: '' });
    var list = el('ol', { 'class': 'search-results', id: 'search-results' });
    var more = el('button', { type: 'button', 'class': 'search-more', hidden: '' }, [S.more]);
    var box = el('div', { 'class': 'search-ui' }, [status, facets, list, more]);
    form.after(box);
    input.setAttribute('aria-controls', 'search-results');

    // seq counts queries, view the lists shown: only the latest of either is ever drawn.
    var params = new URLSearchParams(location.search), filters = {}, seq = 0, view = 0, rendered = 0, last = null, shown = 0;
    var drawn = Promise.resolve(), asked = params.get('q') || '';
    // The page's loader notes whether an input method is composing.
    var composing = input.getAttribute('data-composing') === '1';
    ['type', 'city', 'level', 'status', 'kind', 'year'].forEach(function (f) { filters[f] = params.getAll(f); });
    if (!input.value) input.value = asked;

    function saveState() {
      var p = new URLSearchParams();
      if (input.value) p.set('q', input.value);
      for (var f in filters) filters[f].forEach(function (v) { p.append(f, v); });
      var s = p.toString();
      history.replaceState(null, '', location.pathname + (s ? '?' + s : ''));
    }

    // The checkboxes of each facet value, made once per build's facets and then updated in
    // place: a choice never takes the focus from the checkbox just used (WCAG 2.4.3).
    var made = null, rows = [];

    function makeFacets() {
      var a = document.activeElement, was = facets.contains(a) ? a.name + '=' + a.value : null;
      facets.textContent = '';
      made = index.facets;
      rows = made.map(function (f) {
        var items = f.values.map(function (v, j) {
          var id = 'f-' + f.name + '-' + j, label = el('label', { 'for': id });
          var box = el('input', { type: 'checkbox', id: id, name: f.name, value: v[0] });
          box.addEventListener('change', function () {
            var l = filters[f.name];
            if (box.checked) l.push(v[0]); else l.splice(l.indexOf(v[0]), 1);
            saveState();
            index.recheck();
            show(last);
          });
          return { li: el('li', {}, [box, label]), box: box, label: label };
        });
        var set = el('fieldset', {}, [el('legend', {}, [S[f.name]]), el('ul', {}, items.map(function (r) { return r.li; }))]);
        facets.append(set);
        return { set: set, items: items };
      });
      // After a redeploy the new build's checkbox for the same value takes the focus.
      var again = was && Array.from(facets.querySelectorAll('input')).find(function (b) { return b.name + '=' + b.value === was; });
      if (again) again.focus();
    }

    // Shows the values with results or chosen, with their counts; the focused checkbox stays
    // shown even when its count falls to nothing.
    function drawFacets(counts) {
      if (made !== index.facets) makeFacets();
      facets.hidden = false;
      made.forEach(function (f, i) {
        var any = false;
        f.values.forEach(function (v, j) {
          var r = rows[i].items[j], on = filters[f.name].indexOf(v[0]) >= 0, text = v[1] + ' (' + counts[i][j] + ')';
          r.box.checked = on;
          r.li.hidden = !counts[i][j] && !on && r.box !== document.activeElement;
          if (r.label.textContent !== text) r.label.textContent = text;
          any = any || !r.li.hidden;
        });
        rows[i].set.hidden = !any;
      });
    }

    // Appends a page of results from `from` on, in order after pages asked for before, if the
    // view is still the same; resolves to whether it was.
    function drawMore(from) {
      var res = last, token = view, units = res.units, page = res.filtered.slice(from, from + PAGE);
      shown = from + page.length;
      more.hidden = shown >= res.filtered.length;
      // The body text is fetched only when the excerpt source (summary and the start of the
      // body) has no match.
      var metas = Promise.all(page.map(function (d) {
        return index.doc(d).then(function (m) {
          if (highlight(m.x, units).length || !index.m.text) return m;
          return index.text(d).then(function (t) {
            return highlight(t, units).length ? Object.assign({}, m, { x: t, deep: true }) : m;
          }, function (e) { if (e === STALE) throw e; return m; });
        });
      }));
      drawn = drawn.then(function () { return metas; }).then(function (metas) {
        if (token !== view) return false;
        metas.forEach(function (m) {
          var meta = [index.facets[0].values.find(function (v) { return v[0] === m.k; })[1]];
          if (m.c) meta.push(m.c);
          if (m.d) meta.push(m.d);
          list.append(el('li', {}, [
            el('h2', {}, [el('a', { href: m.u }, [marked(m.t, units)])]),
            el('p', { 'class': 'search-meta' }, [meta.join(S.sep)]),
            el('p', { 'class': 'search-excerpt' }, [marked(excerpt(m.x, units, m.deep), units)])
          ]));
        });
        return true;
      }).catch(function (e) {
        if (token === view) failed(e);
        return false;
      });
      return drawn;
    }

    // Drops facet values the index lacks (an old or mistyped link): hidden, they could not be undone.
    function knownFilters() {
      index.facets.forEach(function (f) {
        filters[f.name] = filters[f.name].filter(function (id) { return f.values.some(function (v) { return v[0] === id; }); });
      });
      saveState();
    }

    function show(res) {
      view++;
      list.textContent = '';
      last = res;
      if (!res) { status.textContent = ''; facets.hidden = true; more.hidden = true; done(); return; }
      if (res.stamp !== index.m.stamp) { run(); return; }
      knownFilters();
      var f = index.filter(res.docs, filters);
      drawFacets(f.counts);
      status.textContent = S.count(f.docs.length);
      res.filtered = f.docs;
      drawMore(0).then(function (ok) { if (ok) done(); });
    }

    // Marks each finished render, for tests and for anything that waits on results.
    function done() { box.setAttribute('data-rendered', String(++rendered)); }

    // After a redeploy the query runs again on the new build.
    function failed(e) {
      if (e === STALE) run(); else status.textContent = S.fail;
    }

    function run() {
      var q = input.value, token = ++seq;
      saveState();
      if (!q.trim()) { show(null); return; }
      index.recheck();
      index.search(q).then(function (res) {
        if (token === seq) show(res);
      }, function (e) {
        if (token === seq) failed(e);
      });
    }

    more.addEventListener('click', function () {
      var first = shown;
      index.recheck();
      drawMore(shown).then(function () {
        var a = list.children[first] && list.children[first].querySelector('a');
        if (a) a.focus();
      });
    });
    input.addEventListener('compositionstart', function () { composing = true; });
    input.addEventListener('compositionend', function () { composing = false; run(); });
    input.addEventListener('input', function (e) { if (!composing && !e.isComposing) run(); });
    form.addEventListener('submit', function (e) { e.preventDefault(); run(); });

    function links() { return Array.from(list.querySelectorAll('a')); }
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' && !e.isComposing && links()[0]) { e.preventDefault(); links()[0].focus(); }
      if (e.key === 'Escape' && !e.isComposing) { e.preventDefault(); input.value = ''; run(); }
    });
    list.addEventListener('keydown', function (e) {
      var a = links(), i = a.indexOf(document.activeElement);
      if (i < 0) return;
      if (e.key === 'ArrowDown' && a[i + 1]) { e.preventDefault(); a[i + 1].focus(); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); (a[i - 1] || input).focus(); }
      else if (e.key === 'Escape') { e.preventDefault(); input.value = ''; run(); input.focus(); }
    });
    index.load().catch(function () {});
    // At start-up: the URL's query, or text typed before the client came if no input method
    // is composing it; else the next input.
    if (input.value && (input.value === asked || input.getAttribute('data-composing') === '0')) run();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
