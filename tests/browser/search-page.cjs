// What the browser tests of search read off the search page (tests/browser/e2e.cjs and
// search-cases.cjs).
'use strict';

// Waits for a render after the one counted `before` (the client counts its finished renders
// in data-rendered).
exports.rendered = async (page, before) => {
  await page.waitForFunction(
    (b) => { const u = document.querySelector('.search-ui'); return u && u.getAttribute('data-rendered') && u.getAttribute('data-rendered') !== b; },
    before, { timeout: 10000 });
};
exports.renderCount = (page) => page.evaluate(() => { const u = document.querySelector('.search-ui'); return u ? u.getAttribute('data-rendered') : null; });
exports.hrefs = (page) => page.$$eval('#search-results a', (as) => as.map((a) => a.getAttribute('href')));
exports.status = (page) => page.$eval('#search-status', (e) => e.textContent);
exports.active = (page) => page.evaluate(() => { const a = document.activeElement; return a.id || a.getAttribute('href') || a.tagName; });
// Whether the page has asked for the search client.
const clientAsked = () => Array.from(document.scripts).some((s) => /\/search\.js(\?|$)/.test(s.src));
exports.loadsClient = (page) => page.evaluate(clientAsked);
exports.loadsClient.inPage = clientAsked;

// Every result, clicking "more" until there are no more.
exports.allResults = async (page) => {
  for (let i = 0; i < 50; i++) {
    const more = await page.$('.search-more:not([hidden])');
    if (!more) break;
    const before = (await exports.hrefs(page)).length;
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('#search-results a').length > n, before);
  }
  return exports.hrefs(page);
};

// Opens `url` and waits for its first render.
exports.open = async (page, url) => {
  await page.goto(url);
  await page.waitForSelector('.search-ui[data-rendered]');
};

// Collects checks; `finish` prints the summary as JSON and exits 1 if any failed.
exports.checks = (summary) => {
  const failures = [];
  summary.checks = summary.checks || 0;
  return {
    check(ok, what) {
      summary.checks++;
      if (!ok) failures.push(what);
    },
    finish(run) {
      run.then(() => {
        process.stdout.write(JSON.stringify(summary, null, 1) + '\n');
        if (failures.length) {
          process.stderr.write('FAILED:\n' + failures.join('\n') + '\n');
          process.exit(1);
        }
      }, (e) => {
        process.stdout.write(JSON.stringify(summary, null, 1) + '\n');
        process.stderr.write('FAILED: ' + (e && e.stack || e) + '\n' + failures.join('\n') + '\n');
        process.exit(1);
      });
    },
  };
};
