// Browser tests of search, one case at a time, each for something that once went wrong; run
// by tests/search_browser.rs against a site it built and serves:
//   node search-cases.cjs <case> <site URL ending in /> [case arguments]
// Prints a JSON summary on success; exits 1 with the failures otherwise.
'use strict';
const fs = require('fs');
const { launch } = require('./launch.cjs');
const { rendered, renderCount, hrefs, status, active, open, checks } = require('./search-page.cjs');

const [name, base, ...args] = process.argv.slice(2);
const summary = { case: name, base, checks: 0 };
const { check, finish } = checks(summary);
const path = base.replace(/^https?:\/\/[^/]+/, '');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const q = (text) => encodeURIComponent(text);

const cases = {
  // The site is redeployed between two queries in one browser, with a server that lets the
  // browser keep every file for ten minutes: the second query must see only the new build,
  // in the page already open and in a new one. Arguments: the symbolic link the server
  // serves, and the new build to point it at.
  async redeploy(browser, [live, next]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await open(page, `${base}search/?q=${q('模具')}`);
    const before = await hrefs(page);
    check(before.length > 0, `模具 finds pages before the redeploy: ${before}`);
    check(!(await page.evaluate(() => document.documentElement.hasAttribute('data-next-client'))), 'the first build runs its own client');

    fs.symlinkSync(next, live + '.next');
    fs.renameSync(live + '.next', live);

    // The page already open: its next query needs a shard it has not loaded.
    let n = await renderCount(page);
    await page.fill('#search-q', 'zorblat');
    await rendered(page, n);
    check(JSON.stringify(await hrefs(page)) === JSON.stringify([`${path}a-redeploy/`]),
      `the open page finds the new page after the redeploy: ${await hrefs(page)}`);
    // A new page in the same browser, which holds the old manifest and client in its cache.
    const fresh = await context.newPage();
    await open(fresh, `${base}search/?q=zorblat`);
    check(JSON.stringify(await hrefs(fresh)) === JSON.stringify([`${path}a-redeploy/`]),
      `a new page finds the new page after the redeploy: ${await hrefs(fresh)}`);
    check(await fresh.evaluate(() => document.documentElement.hasAttribute('data-next-client')),
      'a new page runs the new build\'s client, not the one in the cache');
    n = await renderCount(fresh);
    await fresh.fill('#search-q', '模具');
    await rendered(fresh, n);
    const after = await hrefs(fresh);
    // The same query in a browser that never saw the old build.
    const clean = await (await browser.newContext()).newPage();
    await open(clean, `${base}search/?q=${q('模具')}`);
    check(JSON.stringify(after) === JSON.stringify(await hrefs(clean)), `模具 after the redeploy as in a new browser: ${after}`);
    check((await status(fresh)) === (await status(clean)), `the count as in a new browser: ${await status(fresh)}`);
  },

  // Two facet choices in quick succession while the first one's results are still loading:
  // only the second one's results are shown, once each. The first choice's metadata is held
  // back until the second choice is made, so the race happens on every run.
  async 'facet-race'(browser) {
    const context = await browser.newContext();
    const page = await context.newPage();
    let holding = false;
    const held = [];
    let finished = 0;
    const chunk = /\/search\/[dx]\//;
    await page.route(chunk, (route) => (holding ? held.push(route) : route.continue()));
    page.on('requestfinished', (r) => { if (chunk.test(r.url())) finished++; });
    await open(page, `${base}search/?q=${q('台州')}`);
    const n = await renderCount(page);
    holding = true;
    const asked = finished;
    await page.click('input[name=type][value=page]');
    await page.waitForFunction(() => /type=page/.test(location.search));
    for (let i = 0; i < 100 && held.length === 0; i++) await sleep(20);
    check(held.length > 0, 'the first choice asks for metadata it has not loaded');
    await page.click('input[name=type][value=complex]');
    await page.waitForFunction(() => /type=complex/.test(location.search));
    check((await renderCount(page)) === n, 'nothing is shown while the first choice\'s metadata is held');
    // Answered newest first, so the first choice's metadata comes last.
    holding = false;
    const answered = held.length;
    for (const route of held.reverse()) await route.continue();
    await rendered(page, n);
    for (let i = 0; i < 250 && finished - asked < answered; i++) await sleep(20);
    check(finished - asked >= answered, `every held request was answered: ${finished - asked} of ${answered}`);
    const shown = await hrefs(page);
    const said = await status(page);
    const clean = await (await browser.newContext()).newPage();
    await open(clean, page.url());
    const want = await hrefs(clean);
    check(new Set(shown).size === shown.length, `no result is shown twice: ${shown}`);
    check(JSON.stringify(shown) === JSON.stringify(want), `the list is the second choice's, as a new page shows it: ${shown} against ${want}`);
    check(said === (await status(clean)), `the count is the second choice's: ${said}`);
    check((await renderCount(page)) === String(Number(n) + 1), `one render after the two choices: ${await renderCount(page)}`);
    check(/type=page/.test(page.url()) && /type=complex/.test(page.url()), `both choices are in the URL: ${page.url()}`);
  },

  // The client arrives while an input method is composing in the box: nothing is searched
  // until the composition ends. Text typed before it arrived without an input method is
  // searched when it does.
  async 'late-client'(browser) {
    const context = await browser.newContext();
    const page = await context.newPage();
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route(/\/search\.js(\?|$)/, async (route) => { await held; await route.continue(); });
    await page.goto(base + 'search/');
    await page.focus('#search-q');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Input.imeSetComposition', { text: 'mu', selectionStart: 2, selectionEnd: 2 });
    await cdp.send('Input.imeSetComposition', { text: 'muju', selectionStart: 4, selectionEnd: 4 });
    release();
    await page.waitForSelector('.search-ui', { state: 'attached' });
    await sleep(500);
    check((await renderCount(page)) === null, `nothing is searched mid-composition: render ${await renderCount(page)}`);
    check(!/[?&]q=/.test(page.url()), `the URL holds no half-composed query: ${page.url()}`);
    await cdp.send('Input.insertText', { text: '模具' });
    await rendered(page, null);
    check((await hrefs(page)).includes(`${path}complexes/huangyan-moulds/`), `the composed word is searched: ${await hrefs(page)}`);
    check(decodeURIComponent(page.url()).includes('q=模具'), `the URL holds the composed word: ${page.url()}`);

    const typed = await context.newPage();
    let let_go;
    const wait = new Promise((r) => { let_go = r; });
    await typed.route(/\/search\.js(\?|$)/, async (route) => { await wait; await route.continue(); });
    await typed.goto(base + 'en/search/');
    await typed.focus('#search-q');
    await typed.keyboard.type('pumps');
    let_go();
    await typed.waitForSelector('.search-ui[data-rendered]');
    check((await hrefs(typed)).includes(`${path}en/complexes/wenling-pumps/`), `text typed before the client came is searched: ${await hrefs(typed)}`);
  },

  // The last word half typed finds what the whole word finds, where the stemmer shortens the
  // whole word (meeting → meet, manufacturing → manufactur, industries → industry).
  async 'half-typed'(browser) {
    const page = await (await browser.newContext()).newPage();
    const found = async (text) => {
      await open(page, `${base}en/search/?q=${q(text)}`);
      return { links: (await hrefs(page)).sort(), said: await status(page), marks: await page.$$eval('#search-results mark', (m) => m.map((e) => e.textContent.toLowerCase())) };
    };
    for (const [part, whole] of [['meeti', 'meeting'], ['meetin', 'meeting'], ['manufacturin', 'manufacturing'], ['industri', 'industries']]) {
      const a = await found(part), b = await found(whole);
      check(b.links.length > 0, `${whole} finds pages`);
      check(b.links.every((l) => a.links.includes(l)) && a.said === b.said, `${part} finds what ${whole} finds: ${a.said} ${a.links} against ${b.said} ${b.links}`);
      check(a.marks.some((m) => b.marks.includes(m)), `${part} highlights what ${whole} does: ${a.marks} against ${b.marks}`);
    }
  },

  // A facet value the index does not have (an old link, a label for an id) filters nothing
  // and leaves the URL; a value it has stays.
  async 'unknown-facets'(browser) {
    const page = await (await browser.newContext()).newPage();
    await open(page, `${base}search/?q=${q('台州')}`);
    const all = await status(page);
    for (const extra of ['year=2030', 'city=Taizhou', 'type=report&level=nowhere']) {
      await open(page, `${base}search/?q=${q('台州')}&${extra}`);
      const [facet, value] = extra.split('&').pop().split('=');
      check(!page.url().includes(`${facet}=${value}`), `${extra}: the unknown value leaves the URL: ${page.url()}`);
      check((await hrefs(page)).length > 0, `${extra}: results are shown: ${await status(page)}`);
      if (extra.startsWith('type=')) {
        check(/type=report/.test(page.url()) && (await page.isChecked('input[name=type][value=report]')), `${extra}: the known value stays: ${page.url()}`);
      } else {
        check((await status(page)) === all, `${extra}: nothing is filtered: ${await status(page)} against ${all}`);
      }
    }
  },

  // Without JavaScript the search page offers the browse pages by year too, and they exist.
  async 'browse-by-year'(browser) {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    for (const prefix of ['', 'en/']) {
      await page.goto(`${base}${prefix}search/?q=${q('台州')}`);
      const years = await page.$$eval('section[aria-labelledby=browse] a', (as) => as.map((a) => a.getAttribute('href')).filter((h) => /\/reports\/\d{4}\/$/.test(h)));
      check(years.includes(`${path}${prefix}reports/2019/`), `${prefix}search/ links to the reports of 2019: ${years}`);
      for (const y of years) {
        const r = await page.goto(new URL(y, base).href);
        check(r.ok() && (await page.$$('main a[href*="/reports/"]')).length > 0, `${y} lists reports`);
      }
    }
  },

  // A facet chosen with the keyboard keeps the focus (WCAG 2.4.3): Space on a checkbox
  // filters the results and updates the counts, and the focus stays on that very checkbox,
  // not on the page's start, in both languages; Tab then goes on to the next one. The live
  // region, never replaced, says the new count once.
  async 'facet-focus'(browser) {
    const page = await (await browser.newContext()).newPage();
    for (const [prefix, text] of [['', '台州'], ['en/', 'Taizhou']]) {
      await open(page, `${base}${prefix}search/?q=${q(text)}`);
      const boxes = await page.$$eval('.search-facets input[type=checkbox]', (bs) => bs.map((b) => `${b.name}=${b.value}`));
      check(boxes.length >= 4, `${prefix}search/: facets to choose from: ${boxes}`);
      await page.evaluate(() => {
        const status = document.getElementById('search-status');
        window.statusNode = status;
        window.said = [];
        new MutationObserver((records) => records.forEach(() => window.said.push(status.textContent)))
          .observe(status, { childList: true, characterData: true, subtree: true });
      });
      // The first checkbox, then one of another facet, each chosen and then cleared.
      for (const [n, key] of [[0, boxes[0]], [1, boxes.find((b) => !b.startsWith(boxes[0].split('=')[0]))]]) {
        const [facet, value] = key.split('=');
        const sel = `.search-facets input[name="${facet}"][value="${value}"]`;
        await page.focus(sel);
        await page.evaluate((s) => { window.facetBox = document.querySelector(s); }, sel);
        for (const on of [true, false]) {
          const before = await renderCount(page);
          await page.evaluate(() => { window.said.length = 0; });
          await page.keyboard.press('Space');
          await rendered(page, before);
          const where = `${prefix}search/ ${key} ${on ? 'chosen' : 'cleared'}`;
          const f = await page.evaluate(() => ({
            same: document.activeElement === window.facetBox,
            active: document.activeElement.name ? `${document.activeElement.name}=${document.activeElement.value}` : document.activeElement.tagName,
            checked: window.facetBox.checked,
            status: document.getElementById('search-status') === window.statusNode,
            said: window.said.slice(),
          }));
          check(f.same, `${where}: the focus stays on the checkbox: ${f.active}`);
          // Lost, it is put back, so that the next key goes where the reader meant it.
          if (!f.same) await page.focus(sel);
          check(f.checked === on, `${where}: the checkbox is ${f.checked ? 'checked' : 'not checked'}`);
          check(page.url().includes(`${facet}=${q(value)}`) === on, `${where}: the URL: ${page.url()}`);
          const clean = await (await browser.newContext()).newPage();
          await open(clean, page.url());
          const want = { links: await hrefs(clean), said: await status(clean) };
          await clean.context().close();
          check(JSON.stringify(await hrefs(page)) === JSON.stringify(want.links), `${where}: the results are the choice's: ${await hrefs(page)} against ${want.links}`);
          check(f.status && f.said.length === 1 && f.said[0] === want.said, `${where}: the live region says the new count once: ${JSON.stringify(f.said)} (${want.said})`);
          if (n === 0 && !on) {
            await page.keyboard.press('Tab');
            const next = await page.evaluate(() => { const a = document.activeElement; return a.name ? `${a.name}=${a.value}` : a.id || a.tagName; });
            check(next === boxes[1], `${where}: Tab goes on to the next checkbox: ${next}`);
          }
        }
      }
    }
  },

  // "/" focuses the box from anything that is not a text-entry control, a facet checkbox too.
  async 'slash-key'(browser) {
    const page = await (await browser.newContext()).newPage();
    await open(page, `${base}search/?q=${q('台州')}`);
    await page.focus('input[name=type][value=report]');
    await page.keyboard.press('/');
    check((await active(page)) === 'search-q', `"/" on a facet checkbox focuses the box: ${await active(page)}`);
    check((await page.inputValue('#search-q')) === '台州', `the box is not typed into: ${await page.inputValue('#search-q')}`);
    await page.keyboard.press('/');
    check((await page.inputValue('#search-q')) === '台州/', `"/" types in the box: ${await page.inputValue('#search-q')}`);
    // Text entry elsewhere keeps its "/": a text field, a text area, an editable region.
    await page.evaluate(() => {
      const f = document.createElement('div');
      f.innerHTML = '<input id="t-email" type="email"><textarea id="t-area"></textarea><div id="t-edit" contenteditable="true"></div>';
      document.querySelector('main').append(f);
    });
    for (const id of ['t-email', 't-area', 't-edit']) {
      await page.focus('#' + id);
      await page.keyboard.press('/');
      check((await active(page)) === id, `"/" stays in #${id}: ${await active(page)}`);
    }
  },

  // "/" can be turned off (WCAG 2.1.4): a checkbox on the search page, in both languages,
  // checked at first. Unchecked with the keyboard, "/" moves the focus on no page, in this
  // page and in a new one, and the box stays unchecked after a reload; checked again, "/"
  // works again. Without JavaScript, where it would change nothing, the checkbox is not shown.
  async 'slash-key-off'(browser) {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const [prefix, label] of [['', '按 / 键跳到搜索框'], ['en/', 'Press / to jump to the search box']]) {
      await page.goto(`${base}${prefix}search/`);
      check(await page.isVisible('#search-key'), `${prefix}search/: the checkbox for "/" is shown`);
      check(await page.isChecked('#search-key'), `${prefix}search/: "/" is on at first`);
      const said = await page.$eval('#search-key', (b) => b.labels[0] && b.labels[0].textContent);
      check(said === label, `${prefix}search/: the checkbox is labelled: ${said}`);
    }
    await page.focus('#search-key');
    await page.keyboard.press('Space');
    check(!(await page.isChecked('#search-key')), 'Space unchecks it');
    await page.keyboard.press('/');
    check((await active(page)) === 'search-key', `"/" turned off leaves the focus on the search page: ${await active(page)}`);
    const other = await context.newPage();
    for (const [p, url] of [[page, 'complexes/'], [page, 'en/complexes/huangyan-moulds/'], [other, 'reports/']]) {
      await p.goto(base + url);
      await p.keyboard.press('/');
      check((await active(p)) === 'BODY', `"/" turned off leaves the focus on ${url}: ${await active(p)}`);
    }
    await page.goto(base + 'search/');
    check(!(await page.isChecked('#search-key')), 'the search page still shows "/" off after a reload');
    await page.focus('#search-key');
    await page.keyboard.press('Space');
    check(await page.isChecked('#search-key'), 'Space checks it again');
    await page.keyboard.press('/');
    check((await active(page)) === 'search-q', `"/" turned on again focuses the box: ${await active(page)}`);
    await other.goto(base + 'complexes/');
    await other.keyboard.press('/');
    check((await active(other)) === 'site-search', `"/" turned on again focuses the box on another page: ${await active(other)}`);

    const nojs = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    for (const prefix of ['', 'en/']) {
      await nojs.goto(`${base}${prefix}search/`);
      check((await nojs.$('#search-key')) && !(await nojs.isVisible('#search-key')), `${prefix}search/ without JavaScript: the checkbox for "/" is not shown`);
    }
  },
};

async function main() {
  const run = cases[name];
  if (!run) throw new Error(`no case ${name}; cases: ${Object.keys(cases).join(', ')}`);
  const browser = await launch();
  try {
    await run(browser, args);
  } finally {
    await browser.close();
  }
}

finish(main());
