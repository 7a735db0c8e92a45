// The default theme in headless Chromium, run by tests/theme_browser.rs:
//   node theme.cjs <site URL ending in /> <folder for screenshots and PDFs>
// Over every page type of the example site, in both languages, with JavaScript on and off:
// axe-core (WCAG 2.0/2.1/2.2 A and AA rules, and unique landmarks and non-empty header cells),
// then what axe cannot see: skip link, landmarks, one h1, lang on the page and on fragments in
// the other language, text size and line height, underlined links, visible focus and keyboard
// reach of every control, reflow at 320 and 640 CSS pixels (200% zoom) and with a larger
// browser text size on phones, no third-party requests, no script where none is needed, no
// auto-play or pop-ups, the checkbox that turns "/" off shown only with JavaScript,
// prefers-contrast, prefers-reduced-motion and forced colours, and print.
// Prints a JSON summary on success; exits 1 with the failures otherwise.
'use strict';
const fs = require('fs');
const path = require('path');
const { launch } = require('./launch.cjs');

const [base, outDir] = process.argv.slice(2);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
// Best-practice rules that the tags leave out but that a screen reader's user meets: two
// landmarks of one role with one name, and a header cell with no text.
const AXE_RULES = ['landmark-unique', 'empty-table-header'];

// One page of each type; each is checked in Chinese (at the root) and English (under en/).
const PAGES = [
  ['home', ''],
  ['directory', 'complexes/'],
  ['browse', 'complexes/level/provincial/'],
  ['profile', 'complexes/huangyan-moulds/'],
  ['city', 'cities/taizhou/'],
  ['report list', 'reports/'],
  ['report year', 'reports/2019/'],
  ['report', 'reports/taizhou-site-promotion-meeting-2019/'],
  ['plain page', 'accessibility/'],
  ['search', 'search/'],
  // With a query: the results and their filters, as search.js draws them.
  ['search', 'search/?q=%E5%8F%B0%E5%B7%9E'],
];

const failures = [];
const summary = { base, checks: 0, pages: 0, axe: { runs: 0, violations: 0, passes: 0 }, focusable: 0, print: {}, screenshots: [] };

function check(ok, what) {
  summary.checks++;
  if (!ok) failures.push(what);
}

// Goes to a page and, with JavaScript on, waits for a search's results to be drawn.
async function open(page, url, js = true) {
  await page.goto(url);
  if (js && url.includes('?q=')) await page.waitForSelector('.search-results li');
}

function urls() {
  const out = [];
  for (const [type, p] of PAGES) {
    out.push({ type, lang: 'zh', url: base + p });
    out.push({ type, lang: 'en', url: base + 'en/' + p });
  }
  out.push({ type: '404', lang: 'zh', url: base + '404.html' });
  return out;
}

// Colours as [r, g, b, a] from a computed style, a colour laid over another, and the WCAG
// contrast ratio of two opaque colours.
function rgba(css) {
  const [r, g, b, a = 1] = css.match(/[\d.]+/g).map(Number);
  return [r, g, b, a];
}
function over([r, g, b, a], [r0, g0, b0]) {
  return [r * a + r0 * (1 - a), g * a + g0 * (1 - a), b * a + b0 * (1 - a), 1];
}
function contrast(x, y) {
  const lum = ([r, g, b]) => [r, g, b].map((c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const [hi, lo] = [lum(x), lum(y)].sort((m, n) => n - m);
  return (hi + 0.05) / (lo + 0.05);
}

async function runAxe(page) {
  // Evaluated rather than added as a script tag, so that it also runs with JavaScript off.
  await page.evaluate(axeSource + '\n;0');
  return page.evaluate(async ([tags, rules]) => {
    const enabled = Object.fromEntries(rules.map((r) => [r, { enabled: true }]));
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, rules: enabled, resultTypes: ['violations'] });
    return {
      passes: r.passes.length,
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ': ' + n.failureSummary) })),
    };
  }, [AXE_TAGS, AXE_RULES]);
}

// What the static page must hold, whatever JavaScript does.
async function structure(page, where, lang, type) {
  const s = await page.evaluate(() => {
    const text = (el) => (el.textContent || '').trim();
    const cjk = /[\u3400-\u9fff]/;
    // Text nodes with Chinese characters whose nearest lang says English.
    const wrongLang = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const n = walker.currentNode;
      if (!cjk.test(n.nodeValue)) continue;
      const host = n.parentElement.closest('[lang]');
      if (!host || host.getAttribute('lang').startsWith('en')) wrongLang.push(n.nodeValue.trim().slice(0, 30));
    }
    const body = getComputedStyle(document.body);
    // Every element that holds text directly, outside drawings: its line height and size.
    const tight = [];
    const small = [];
    for (const el of document.querySelectorAll('main *, header *, footer *')) {
      if (el.closest('svg') || el.closest('.visually-hidden')) continue;
      const own = Array.from(el.childNodes).some((c) => c.nodeType === 3 && c.nodeValue.trim());
      if (!own) continue;
      const cs = getComputedStyle(el);
      if (cs.display === 'none' || cs.visibility === 'hidden') continue;
      const size = parseFloat(cs.fontSize);
      const lh = parseFloat(cs.lineHeight);
      if (!(lh / size >= 1.495)) tight.push(el.tagName + ' ' + text(el).slice(0, 20) + ' ' + cs.lineHeight + '/' + cs.fontSize);
      if (size < 14) small.push(el.tagName + ' ' + text(el).slice(0, 20) + ' ' + cs.fontSize);
    }
    const links = Array.from(document.querySelectorAll('main a[href], footer a[href]')).filter((a) => !a.closest('svg'));
    const notUnderlined = links.filter((a) => !getComputedStyle(a).textDecorationLine.includes('underline')).map((a) => text(a).slice(0, 20));
    const scripts = Array.from(document.scripts).filter((s) => s.type !== 'application/ld+json');
    const imgs = Array.from(document.images);
    const skip = document.querySelector('body a');
    return {
      htmlLang: document.documentElement.lang,
      h1: document.querySelectorAll('h1').length,
      skipHref: skip && skip.getAttribute('href'),
      skipTarget: !!document.getElementById('main'),
      banner: document.querySelectorAll('body > header').length,
      main: document.querySelectorAll('main').length,
      contentinfo: document.querySelectorAll('body > footer').length,
      navs: Array.from(document.querySelectorAll('nav')).map((n) => n.getAttribute('aria-label')),
      bodySize: parseFloat(body.fontSize),
      bodyLineHeight: parseFloat(body.lineHeight) / parseFloat(body.fontSize),
      wrongLang,
      tight,
      small,
      notUnderlined,
      scripts: scripts.map((s) => s.src || 'inline'),
      imgs: imgs.map((i) => ({ src: i.getAttribute('src'), w: i.getAttribute('width'), h: i.getAttribute('height'), lazy: i.getAttribute('loading') })),
      autoplay: document.querySelectorAll('[autoplay], marquee, blink, meta[http-equiv="refresh" i], dialog[open]').length,
      newWindows: document.querySelectorAll('a[target="_blank"], form[target="_blank"]').length,
      hreflang: document.querySelectorAll('link[rel="alternate"][hreflang]').length,
      updated: !!document.querySelector('.page-updated time[datetime]'),
      jsonLd: Array.from(document.querySelectorAll('script[type="application/ld+json"]')).map((s) => s.textContent),
    };
  });
  check(s.htmlLang === (lang === 'zh' ? 'zh-CN' : 'en'), `${where}: <html lang> is ${s.htmlLang}`);
  check(s.h1 === 1, `${where}: ${s.h1} h1 elements`);
  check(s.skipHref === '#main' && s.skipTarget, `${where}: the first link is a skip link to #main (${s.skipHref})`);
  check(s.banner === 1 && s.main === 1 && s.contentinfo === 1, `${where}: banner, main and contentinfo landmarks once each`);
  check(s.navs.length >= 2 && s.navs.every((l) => l), `${where}: every nav is labelled: ${s.navs}`);
  check(s.bodySize >= 18, `${where}: base text ${s.bodySize}px`);
  check(s.bodyLineHeight >= 1.5, `${where}: body line height ${s.bodyLineHeight}`);
  check(s.wrongLang.length === 0, `${where}: Chinese text without lang: ${JSON.stringify(s.wrongLang.slice(0, 5))}`);
  check(s.tight.length === 0, `${where}: line height under 1.5: ${JSON.stringify(s.tight.slice(0, 5))}`);
  check(s.small.length === 0, `${where}: text under 14px: ${JSON.stringify(s.small.slice(0, 5))}`);
  check(s.notUnderlined.length === 0, `${where}: links told apart by colour alone: ${JSON.stringify(s.notUnderlined.slice(0, 5))}`);
  check(s.autoplay === 0, `${where}: auto-play, refresh or open dialog`);
  check(s.newWindows === 0, `${where}: links that open new windows`);
  for (const i of s.imgs) check(i.w && i.h && i.lazy === 'lazy', `${where}: image ${i.src} lacks width, height or lazy loading`);
  const isSearch = type === 'search';
  // One inline script on every page makes "/" focus the search box; the search page has its
  // loader too, which brings the site's own search client once there is a query.
  const inline = s.scripts.filter((x) => x === 'inline'), loaded = s.scripts.filter((x) => x !== 'inline');
  const client = (x) => isSearch && new URL(x).origin === new URL(base).origin && new URL(x).pathname.endsWith('/assets/search.js');
  check(inline.length === (isSearch ? 2 : 1) && loaded.every(client), `${where}: scripts ${JSON.stringify(s.scripts)}`);
  if (type !== '404') {
    check(s.hreflang >= 3, `${where}: hreflang alternates ${s.hreflang}`);
    check(s.updated, `${where}: shows when it was last updated`);
  }
  for (const j of s.jsonLd) {
    try { JSON.parse(j); } catch (e) { check(false, `${where}: JSON-LD does not parse: ${e}`); }
  }
}

// Tabs through the page from the top: every visible control is reached, each with a
// visible focus indicator.
async function keyboard(page, where) {
  await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
  const controls = await page.evaluate(() => {
    const els = Array.from(document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]'))
      .filter((e) => e.getAttribute('tabindex') !== '-1' && !e.disabled)
      .filter((e) => { const r = e.getBoundingClientRect(); const cs = getComputedStyle(e); return cs.visibility !== 'hidden' && cs.display !== 'none' && (r.width > 0 || r.height > 0 || e.classList.contains('skip-link')); });
    els.forEach((e, i) => e.setAttribute('data-k', String(i)));
    return els.length;
  });
  const reached = new Set();
  const unseen = [];
  for (let i = 0; i < controls + 5; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const a = document.activeElement;
      if (!a || a === document.body) return null;
      const cs = getComputedStyle(a);
      let visible = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
      if (a.closest('svg')) {
        const tile = a.querySelector('polygon, rect');
        visible = !!tile && parseFloat(getComputedStyle(tile).strokeWidth) >= 4;
      }
      if (a.classList.contains('skip-link')) visible = visible && a.getBoundingClientRect().top >= 0;
      return { k: a.getAttribute('data-k'), visible, label: (a.textContent || a.getAttribute('aria-label') || a.id || a.tagName).trim().slice(0, 20) };
    });
    if (!f) break;
    if (f.k !== null) reached.add(f.k);
    if (!f.visible) unseen.push(f.label);
  }
  summary.focusable += controls;
  check(reached.size === controls, `${where}: keyboard reached ${reached.size} of ${controls} controls`);
  check(unseen.length === 0, `${where}: focus not visible on ${JSON.stringify(unseen.slice(0, 5))}`);
}

async function reflow(browser, target, width) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  await open(page, target.url);
  const w = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  check(w.scroll <= w.client, `${target.url}: scrolls sideways at ${width}px (${w.scroll} > ${w.client})`);
  await ctx.close();
}

// Reflow with larger text (WCAG 1.4.4 and 1.4.10): the browser's default font size raised,
// as readers set it in the browser's settings, on a phone-sized screen. A table may scroll
// inside its own focusable region; nothing else may push the page sideways.
async function reflowLargeText(browser, width, size) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: size, fixed: size } });
  for (const t of urls()) {
    await open(page, t.url);
    const w = await page.evaluate(() => {
      const client = document.documentElement.clientWidth;
      const out = Array.from(document.querySelectorAll('body *'))
        .filter((e) => !e.closest('.table-wrap, svg, .visually-hidden') && e.getBoundingClientRect().right > client + 1)
        .map((e) => `${e.tagName.toLowerCase()}${e.className ? '.' + e.className : ''} ${Math.round(e.getBoundingClientRect().right)}px`);
      return { scroll: document.documentElement.scrollWidth, client, root: parseFloat(getComputedStyle(document.documentElement).fontSize), out };
    });
    check(w.root >= size, `${t.url}: the browser's text size ${size}px did not apply (root ${w.root}px)`);
    check(w.scroll <= w.client, `${t.url}: scrolls sideways at ${width}px with ${size}px text (${w.scroll} > ${w.client}): ${w.out.slice(0, 4)}`);
  }
  await ctx.close();
}

const started = Date.now();

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const browser = await launch();
  const origin = new URL(base).origin;
  try {
    for (const js of process.env.THEME_JS_OFF_ONLY ? [false] : [true, false]) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      if (!js) {
        // JavaScript off for the page's own scripts: a policy that forbids every script.
        // (Chromium's own switch also stops the timers axe needs, so axe could not run.)
        await ctx.route('**/*', async (route) => {
          if (route.request().resourceType() !== 'document') return route.continue();
          const response = await route.fetch();
          await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': "script-src 'none'" } });
        });
      }
      const page = await ctx.newPage();
      const scriptsRun = [];
      page.on('request', (r) => { if (r.resourceType() === 'script') scriptsRun.push(r.url()); });
      const foreign = [];
      page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) foreign.push(r.url()); });
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('crash', () => errors.push('the page crashed'));
      page.on('dialog', (d) => { errors.push('dialog: ' + d.message()); d.dismiss(); });
      for (const t of urls()) {
        const where = `${t.url} (JS ${js ? 'on' : 'off'})`;
        if (process.env.THEME_TRACE) console.error(where, Date.now() - started);
        await open(page, t.url, js);
        summary.pages++;
        const axe = await runAxe(page);
        summary.axe.runs++;
        summary.axe.passes += axe.passes;
        summary.axe.violations += axe.violations.length;
        check(axe.violations.length === 0, `${where}: axe: ${JSON.stringify(axe.violations, null, 1)}`);
        await structure(page, where, t.lang, t.type);
        if (js) await keyboard(page, where);
        if (!js && t.type === 'search') {
          check(await page.isVisible('.search-needs-js'), `${where}: the search page says that search needs JavaScript`);
          check(await page.isVisible('.count-groups a'), `${where}: the search page offers lists to browse instead`);
          check(!(await page.isVisible('#search-key')), `${where}: the checkbox that turns "/" off is not shown, as "/" does nothing`);
        }
        if (js && t.type === 'search') {
          check(await page.isVisible('#search-key') && (await page.isChecked('#search-key')), `${where}: the checkbox that turns "/" off is shown, and "/" is on`);
        }
      }
      check(foreign.length === 0, `third-party requests: ${foreign.slice(0, 5)}`);
      if (!js) check(scriptsRun.length === 0, `scripts fetched with JavaScript off: ${scriptsRun}`);
      check(errors.length === 0, `script errors or dialogs: ${errors}`);
      await ctx.close();
    }

    // Reflow: 320 CSS pixels (WCAG 1.4.10) and 640 (a 1280px window at 200% zoom).
    for (const t of urls()) {
      await reflow(browser, t, 320);
      await reflow(browser, t, 640);
    }
    // Text at 125%, 150% and 200% of the usual 16px on phones 320 and 390 pixels wide.
    for (const [width, size] of [[320, 20], [320, 32], [390, 24], [390, 32]]) await reflowLargeText(browser, width, size);

    // The map: each city with complexes is a link that the keyboard reaches and follows.
    {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(base);
      const mapLinks = await page.$$eval('svg.map a', (as) => as.map((a) => a.getAttribute('href')));
      check(mapLinks.length >= 1, `the map links its cities: ${mapLinks}`);
      let onMap = false;
      for (let i = 0; i < 60 && !onMap; i++) {
        await page.keyboard.press('Tab');
        onMap = await page.evaluate(() => !!document.activeElement.closest('svg.map'));
      }
      check(onMap, 'Tab reaches the map');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      check(page.url().endsWith(mapLinks[0]), `Enter on the map follows the link: ${page.url()}`);
      await ctx.close();
    }

    // Search results: on a wide screen the filters stand beside the results, on a phone
    // above them; every filter checkbox is at least 24 by 24 CSS pixels (WCAG 2.5.8).
    for (const [width, beside] of [[1280, true], [390, false]]) {
      const ctx = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      await open(page, base + 'en/search/?q=%E5%8F%B0%E5%B7%9E');
      const box = await page.evaluate(() => {
        const r = (e) => e.getBoundingClientRect();
        const facets = r(document.querySelector('.search-facets')), results = r(document.querySelector('.search-results'));
        const boxes = Array.from(document.querySelectorAll('.search-facets input')).filter((b) => b.offsetParent).map((b) => [r(b).width, r(b).height]);
        return { facets: [facets.left, facets.right, facets.top, facets.bottom], results: [results.left, results.top], boxes };
      });
      const [fl, fr, ft, fb] = box.facets, [rl, rt] = box.results;
      if (beside) check(fr <= rl && Math.abs(ft - rt) < 60, `search at ${width}px: the filters ${box.facets} are not beside the results ${box.results}`);
      else check(fb <= rt && fl < 40, `search at ${width}px: the filters ${box.facets} are not above the results ${box.results}`);
      check(box.boxes.length >= 3 && box.boxes.every(([w, h]) => w >= 24 && h >= 24), `search at ${width}px: filter checkboxes ${JSON.stringify(box.boxes)}, not all 24 by 24`);
      await ctx.close();
    }

    // Forced colours (Windows high contrast): the focused map tile takes the system's
    // Highlight, and its label HighlightText, in both languages.
    for (const p of ['', 'en/']) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(base + p);
      await page.emulateMedia({ forcedColors: 'active' });
      let onMap = false;
      for (let i = 0; i < 60 && !onMap; i++) {
        await page.keyboard.press('Tab');
        onMap = await page.evaluate(() => !!document.activeElement.closest('svg.map'));
      }
      const fc = await page.evaluate(() => {
        const a = document.activeElement;
        const probe = document.createElement('span');
        document.body.append(probe);
        const system = (c) => { probe.style.color = c; return getComputedStyle(probe).color; };
        const colours = { highlight: system('Highlight'), highlightText: system('HighlightText'), canvas: system('Canvas') };
        probe.remove();
        return {
          ...colours,
          tile: getComputedStyle(a.querySelector('polygon, rect')).fill,
          labels: Array.from(a.querySelectorAll('text')).map((t) => getComputedStyle(t).fill),
        };
      });
      const tile = over(rgba(fc.tile), rgba(fc.canvas));
      check(onMap && fc.tile === fc.highlight, `${p || 'home'}: forced colours: the focused map tile is ${fc.tile}, not Highlight ${fc.highlight}`);
      for (const l of fc.labels) {
        const ratio = contrast(over(rgba(l), tile), tile);
        check(l === fc.highlightText && ratio >= 4.5, `${p || 'home'}: forced colours: the focused map tile's label is ${l} on ${fc.tile} (${ratio.toFixed(2)}:1)`);
      }
      await ctx.close();
    }

    // The dark scheme, as the reader's system asks for it: axe (its contrast rules included)
    // on every page type in both languages, the page dark and its text light; the skip link,
    // the map's tiles and the focused tile's label readable; print keeps the light scheme.
    {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
      const page = await ctx.newPage();
      for (const t of urls()) {
        await open(page, t.url);
        const axe = await runAxe(page);
        summary.axe.runs++;
        summary.axe.passes += axe.passes;
        summary.axe.violations += axe.violations.length;
        check(axe.violations.length === 0, `${t.url} (dark): axe: ${JSON.stringify(axe.violations, null, 1)}`);
        const body = await page.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]);
        check(body[0] === 'rgb(18, 20, 22)' && body[1] === 'rgb(230, 230, 230)', `${t.url} (dark): the page is ${body[1]} on ${body[0]}`);
      }
      await page.goto(base);
      await page.keyboard.press('Tab');
      const skip = await page.evaluate(() => { const cs = getComputedStyle(document.activeElement); return [cs.color, cs.backgroundColor]; });
      check(contrast(rgba(skip[0]), rgba(skip[1])) >= 4.5, `dark: the skip link is ${skip[0]} on ${skip[1]}`);
      const tiles = await page.$$eval('svg.map .map-city.has', (cs) => cs.map((c) => [getComputedStyle(c.querySelector('polygon, rect')).fill, getComputedStyle(c.querySelector('text')).fill]));
      for (const [fill, label] of tiles) check(contrast(rgba(label), rgba(fill)) >= 4.5, `dark: a map tile's label is ${label} on ${fill}`);
      let onMap = false;
      for (let i = 0; i < 60 && !onMap; i++) {
        await page.keyboard.press('Tab');
        onMap = await page.evaluate(() => !!document.activeElement.closest('svg.map'));
      }
      const focused = await page.evaluate(() => { const a = document.activeElement; return [getComputedStyle(a.querySelector('polygon, rect')).fill, getComputedStyle(a.querySelector('text')).fill]; });
      check(onMap && contrast(rgba(focused[1]), rgba(focused[0])) >= 4.5, `dark: the focused map tile's label is ${focused[1]} on ${focused[0]}`);
      await page.emulateMedia({ media: 'print' });
      const printed = await page.evaluate(() => getComputedStyle(document.body).color);
      check(printed === 'rgb(27, 27, 27)', `dark: printed text is ${printed}, not the light scheme's`);
      await ctx.close();
    }

    // prefers-contrast: more darkens secondary text; prefers-reduced-motion leaves nothing moving.
    {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(base + 'complexes/huangyan-moulds/');
      const normal = await page.$eval('.lead', (e) => getComputedStyle(e).color);
      await page.emulateMedia({ contrast: 'more', reducedMotion: 'reduce' });
      const more = await page.$eval('.lead', (e) => getComputedStyle(e).color);
      check(normal !== more && more === 'rgb(27, 27, 27)', `prefers-contrast: more darkens the lead: ${normal} -> ${more}`);
      const moving = await page.evaluate(() => Array.from(document.querySelectorAll('*')).filter((e) => {
        const cs = getComputedStyle(e);
        return cs.animationName !== 'none' || cs.transitionDuration.split(',').some((d) => parseFloat(d) > 0);
      }).length);
      check(moving === 0, `${moving} elements animate under prefers-reduced-motion`);
      await ctx.close();
    }

    // Print: navigation gone, web addresses printed, a short fact sheet.
    {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      for (const [name, p] of [['profile', 'complexes/huangyan-moulds/'], ['report', 'reports/taizhou-site-promotion-meeting-2019/']]) {
        await page.goto(base + p);
        await page.emulateMedia({ media: 'print' });
        const pr = await page.evaluate(() => {
          const shown = (sel) => { const e = document.querySelector(sel); return !!e && getComputedStyle(e).display !== 'none'; };
          const ext = document.querySelector('body a[href^="http"]');
          return {
            nav: shown('.site-nav'), search: shown('.search-form'), lang: shown('.lang-switch'),
            address: shown('.print-only'),
            after: ext ? getComputedStyle(ext, '::after').content : 'none',
            asOf: document.querySelectorAll('main time[datetime]').length,
          };
        });
        check(!pr.nav && !pr.search && !pr.lang, `${name}: navigation hidden in print ${JSON.stringify(pr)}`);
        check(pr.address, `${name}: the page address prints`);
        check(pr.after.includes('attr(href)') || pr.after.includes('http'), `${name}: web addresses print after links: ${pr.after}`);
        check(pr.asOf > 0, `${name}: dates print`);
        const pdf = await page.pdf({ format: 'A4', printBackground: false, path: path.join(outDir, `${name}-print.pdf`) });
        const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
        summary.print[name] = pages;
        if (name === 'profile') check(pages >= 1 && pages <= 2, `the profile prints on ${pages} A4 pages`);
        await page.emulateMedia({ media: 'screen' });
      }
      await ctx.close();
    }

    // Screenshots for people to look at.
    for (const [w, h, label] of [[375, 812, 'phone'], [1280, 900, 'desktop']]) {
      const ctx = await browser.newContext({ viewport: { width: w, height: h } });
      const page = await ctx.newPage();
      for (const [name, p] of [['home', ''], ['profile', 'complexes/huangyan-moulds/'], ['report', 'reports/taizhou-site-promotion-meeting-2019/'], ['home-en', 'en/']]) {
        await page.goto(base + p);
        const file = path.join(outDir, `${name}-${label}.png`);
        await page.screenshot({ path: file, fullPage: true });
        summary.screenshots.push(path.basename(file));
      }
      await ctx.close();
    }
  } finally {
    await browser.close();
  }
  if (failures.length) {
    console.error(failures.join('\n'));
    process.exit(1);
  }
  console.log(JSON.stringify(summary));
}

main().catch((e) => { console.error(e); process.exit(1); });
