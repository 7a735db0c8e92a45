// End-to-end test of site search in headless Chromium, run by tests/search_browser.rs:
//   node e2e.cjs <site URL ending in /> <recall.json>
// Prints a JSON summary on success; exits 1 with the failures otherwise.
'use strict';
const fs = require('fs');
const { launch } = require('./launch.cjs');
const { rendered, renderCount, hrefs, status, active, allResults, loadsClient, checks } = require('./search-page.cjs');

const [base, recallFile] = process.argv.slice(2);
const summary = { base, checks: 0, recall: { queries: 0, found: 0, missed: [] }, timings: [], bytes: {} };
const { check, finish } = checks(summary);

async function main() {
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', async (r) => {
      const u = r.url();
      if (!u.includes('/search/') && !/\/search\.js(\?|$)/.test(u)) return;
      try { summary.bytes[u.replace(base, '')] = (await r.body()).length; } catch (_) { /* redirects have no body */ }
    });

    // On any page, "/" focuses the header's search box, but not while typing in a field or
    // with a modifier key; nothing else is loaded.
    await page.goto(base + 'complexes/');
    await page.keyboard.press('Control+/');
    check((await active(page)) === 'BODY', `Control+/ leaves the focus alone: ${await active(page)}`);
    await page.keyboard.press('/');
    check((await active(page)) === 'site-search', `"/" focuses the header search box on a list page: ${await active(page)}`);
    await page.keyboard.type('a/b');
    check((await page.inputValue('#site-search')) === 'a/b', `"/" types as usual inside the box: ${await page.inputValue('#site-search')}`);
    check(!(await page.evaluate(() => Array.from(document.scripts).some((s) => s.src))), 'a list page loads no script');
    await page.goto(base + 'en/complexes/huangyan-moulds/');
    await page.keyboard.press('/');
    check((await active(page)) === 'site-search', `"/" focuses the search box on a profile page: ${await active(page)}`);

    // The page works before the client loads, and loads it only on interaction.
    await page.goto(base + 'search/');
    check(await page.isVisible('.search-needs-js'), 'the no-JS notice shows until the client loads');
    check(!(await loadsClient(page)), 'search.js is not loaded before interaction');

    // "/" focuses the box; typing searches; the count is announced; the URL keeps the state.
    await page.keyboard.press('/');
    check((await active(page)) === 'search-q', '"/" focuses the search box');
    let before = await renderCount(page);
    await page.waitForFunction(loadsClient.inPage);
    const t0 = Date.now();
    await page.keyboard.type('模具');
    await rendered(page, before);
    summary.timings.push({ what: 'first query, cold (manifest and shards fetched)', ms: Date.now() - t0 });
    let links = await hrefs(page);
    check(links[0] === base.replace(/^https?:\/\/[^/]+/, '') + 'complexes/huangyan-moulds/', `模具 ranks the Huangyan complex first: ${links}`);
    check(/条结果/.test(await status(page)), `the live region gives the count: ${await status(page)}`);
    check((await page.getAttribute('#search-status', 'aria-live')) === 'polite', 'the status is a live region');
    check(await page.isHidden('.search-needs-js'), 'the no-JS notice hides once the client runs');
    check(decodeURIComponent(page.url()).includes('q=模具'), `the query is in the URL: ${page.url()}`);
    const marks = await page.$$eval('#search-results mark', (m) => m.map((e) => e.textContent));
    check(marks.includes('模具'), `matches are highlighted: ${marks}`);

    // Adjacent Chinese matches merge into one highlighted span.
    before = await renderCount(page);
    await page.fill('#search-q', '台州 模具');
    await rendered(page, before);
    const separate = await page.$$eval('#search-results mark', (m) => m.map((e) => e.textContent));
    check(separate.includes('台州') && separate.includes('模具'), `both words are highlighted: ${separate}`);
    before = await renderCount(page);
    await page.fill('#search-q', '台州 召开');
    await rendered(page, before);
    const merged = await page.$$eval('#search-results h2 mark', (m) => m.map((e) => e.textContent));
    check(merged.includes('台州召开'), `adjacent Chinese matches are one highlight: ${merged}`);

    // A second query once shards are cached: time from the last keystroke to results.
    await page.fill('#search-q', '');
    before = await renderCount(page);
    await page.keyboard.type('模具');
    const t1 = Date.now();
    await rendered(page, before);
    summary.timings.push({ what: 'repeat query, shards cached: last keystroke to results shown', ms: Date.now() - t1 });

    // A facet narrows the results and its state goes into the URL.
    before = await renderCount(page);
    await page.fill('#search-q', '台州');
    await rendered(page, before);
    const all = await allResults(page);
    check(all.length === 10, `台州 finds 10 documents: ${all}`);
    before = await renderCount(page);
    await page.check('input[name=type][value=report]');
    await rendered(page, before);
    links = await hrefs(page);
    check(links.length === 2 && links.every((h) => h.includes('/reports/')), `the report facet keeps only reports: ${links}`);
    check(/type=report/.test(page.url()), `the facet is in the URL: ${page.url()}`);
    const facetLabel = await page.textContent('label[for^="f-type-"]');
    check(/\(\d+\)/.test(facetLabel), `facets show counts: ${facetLabel}`);

    // A shared link restores query and facet.
    const shared = page.url();
    const page2 = await context.newPage();
    await page2.goto(shared);
    await page2.waitForSelector('.search-ui[data-rendered]');
    const links2 = await hrefs(page2);
    check(JSON.stringify(links2) === JSON.stringify(links), `a shared link gives the same results: ${links2}`);
    check(await page2.isChecked('input[name=type][value=report]'), 'a shared link restores the facet');
    check((await page2.inputValue('#search-q')) === '台州', 'a shared link restores the query');
    await page2.close();

    // Keyboard: arrows move through results, Enter opens, Escape clears.
    await page.uncheck('input[name=type][value=report]');
    await page.focus('#search-q');
    await page.keyboard.press('ArrowDown');
    const first = await active(page);
    await page.keyboard.press('ArrowDown');
    const second = await active(page);
    check(first === all[0] && second === all[1], `arrow keys move through results: ${first}, ${second}`);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    check((await active(page)) === 'search-q', 'arrow up from the first result returns to the box');
    await page.keyboard.press('ArrowDown');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    check(page.url().endsWith(all[0]), `Enter opens the result: ${page.url()}`);
    await page.goBack();
    await page.waitForSelector('.search-ui[data-rendered]');
    await page.focus('#search-q');
    before = await renderCount(page);
    await page.keyboard.press('Escape');
    await rendered(page, before);
    check((await page.inputValue('#search-q')) === '' && (await hrefs(page)).length === 0, 'Escape clears the box and the results');

    // An input method composing text never searches mid-composition.
    const cdp = await context.newCDPSession(page);
    await page.focus('#search-q');
    before = await renderCount(page);
    await cdp.send('Input.imeSetComposition', { text: 'mu', selectionStart: 2, selectionEnd: 2 });
    await cdp.send('Input.imeSetComposition', { text: 'muju', selectionStart: 4, selectionEnd: 4 });
    await page.waitForTimeout(300);
    check((await renderCount(page)) === before && (await hrefs(page)).length === 0, 'no search while composing');
    await cdp.send('Input.insertText', { text: '模具' });
    await rendered(page, before);
    links = await hrefs(page);
    check(links.some((h) => h.endsWith('complexes/huangyan-moulds/')), `the search runs when composition ends: ${links}`);

    // English pages search the English index; full-width forms match.
    await page.goto(base + 'en/search/?q=%EF%BC%B0%EF%BC%B5%EF%BC%AD%EF%BC%B0%EF%BC%B3');
    await page.waitForSelector('.search-ui[data-rendered]');
    links = await hrefs(page);
    check(links[0] && links[0].endsWith('/en/complexes/wenling-pumps/'), `ＰＵＭＰＳ finds the Wenling complex in English: ${links}`);
    check(/result/.test(await status(page)), `English status: ${await status(page)}`);

    // A match deep in a body, past the excerpt source, is shown highlighted in its excerpt.
    for (const [q, prefix, url, word] of [['转载', '', 'reports/taizhou-site-promotion-meeting-2019/', '转载'],
      ['reprint', 'en/', 'en/reports/taizhou-site-promotion-meeting-2019/', 'reprint']]) {
      await page.goto(`${base}${prefix}search/?q=${encodeURIComponent(q)}`);
      await page.waitForSelector('.search-ui[data-rendered]');
      const excerpt = await page.$$eval('#search-results li', (lis, u) => {
        const li = lis.find((l) => l.querySelector('a').getAttribute('href').endsWith(u));
        const p = li && li.querySelector('.search-excerpt');
        return p ? { text: p.textContent, marks: Array.from(p.querySelectorAll('mark')).map((m) => m.textContent) } : null;
      }, url);
      check(excerpt && excerpt.marks.some((m) => m.toLowerCase().startsWith(word)) && excerpt.text.startsWith('…'),
        `${q}: the excerpt shows the match deep in the body: ${JSON.stringify(excerpt)}`);
    }
    const texts = Object.keys(summary.bytes).filter((u) => /search\/x\//.test(u));
    check(texts.length > 0, 'body text chunks are fetched for deep matches');

    // Recall: every query finds every page it must.
    const cases = JSON.parse(fs.readFileSync(recallFile, 'utf8'));
    for (const c of cases) {
      const prefix = c.lang === 'zh' ? '' : c.lang + '/';
      await page.goto(`${base}${prefix}search/?q=${encodeURIComponent(c.q)}`);
      await page.waitForSelector('.search-ui[data-rendered]');
      const got = await allResults(page);
      summary.recall.queries++;
      for (const m of c.must) {
        const want = base.replace(/^https?:\/\/[^/]+/, '') + prefix + m;
        if (got.includes(want)) summary.recall.found++;
        else summary.recall.missed.push(`${c.lang} ${c.q}: ${want}`);
      }
    }
    check(summary.recall.missed.length === 0, `recall is complete: missed ${summary.recall.missed}`);
    check(errors.length === 0, `no script errors: ${errors}`);

    // Without JavaScript the form still leads somewhere useful.
    const nojs = await browser.newContext({ javaScriptEnabled: false });
    const p3 = await nojs.newPage();
    await p3.goto(base + 'search/?q=模具');
    check(await p3.isVisible('.search-needs-js'), 'without JavaScript the page says search needs it');
    const browse = await p3.$$eval('#browse ~ ul a, section[aria-labelledby=browse] a', (as) => as.map((a) => a.getAttribute('href')));
    check(browse.some((h) => h.includes('cities/')) && browse.some((h) => h.includes('reports/')), `without JavaScript it offers the browse pages: ${browse}`);
    await nojs.close();
  } finally {
    await browser.close();
  }
}

finish(main());
