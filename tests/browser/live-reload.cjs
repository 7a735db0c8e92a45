// Live reload in headless Chromium, run by tests/serve.rs: one page listens to the event
// stream, another has no EventSource and long-polls, and in a third browser more pages of the
// site are open than a browser opens connections to one server; the file is edited and every
// page must show it.
//   node live-reload.cjs <site URL ending in /> <file> <text to replace> <its replacement>
// Prints what the pages requested, as JSON.
'use strict';
const fs = require('fs');
const { launch } = require('./launch.cjs');
const [base, file, from, to] = process.argv.slice(2);

async function open(browser, noEventSource) {
  const context = await browser.newContext();
  if (noEventSource) await context.addInitScript(() => { delete window.EventSource; });
  const page = await context.newPage();
  const seen = { streams: false, polls: false };
  page.on('request', (r) => {
    if (r.url().includes('__fulcrum/events')) seen.streams = true;
    if (r.url().includes('__fulcrum/poll')) seen.polls = true;
  });
  const listening = noEventSource
    ? page.waitForRequest((r) => r.url().includes('__fulcrum/poll?generation='))
    : page.waitForResponse((r) => r.url().includes('__fulcrum/events?page=%2Freports%2Fmeeting%2F'));
  await page.goto(base + 'reports/meeting/');
  await listening;
  return { page, seen };
}

// Chromium opens at most six connections to one server: eight pages that each held a stream
// for good would leave the last two never loading.
const TABS = ['', 'en/', 'reports/', 'en/reports/', 'complexes/', 'en/complexes/', 'reports/meeting/',
  'en/reports/meeting/'];

async function openTabs(browser) {
  const context = await browser.newContext();
  const seen = { opened: 0, streams: 0 };
  const isStream = (r) => r.url().includes('__fulcrum/events');
  context.on('request', (r) => {
    if (isStream(r)) seen.streams += 1;
  });
  const streaming = context.waitForEvent('response', { predicate: isStream, timeout: 10000 });
  const pages = [];
  for (const path of TABS) {
    const page = await context.newPage();
    await page.goto(base + path, { timeout: 10000 });
    pages.push(page);
    seen.opened += 1;
  }
  // Each page's script has run once it has loaded; one of them holds the stream.
  await streaming;
  seen.streamsBeforeEdit = seen.streams;
  return { pages, seen };
}

async function main() {
  const browser = await launch();
  try {
    const events = await open(browser, false);
    const poll = await open(browser, true);
    const tabs = await openTabs(browser);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(from, to));
    const shows = (p) => p.waitForFunction((t) => document.body && document.body.textContent.includes(t), to,
      { timeout: 20000 });
    await Promise.all([shows(events.page), shows(poll.page)]);
    // The report's page shows the edit, and every page has reloaded to the new generation.
    await shows(tabs.pages[TABS.indexOf('reports/meeting/')]);
    tabs.seen.reloaded = 0;
    for (const page of tabs.pages) {
      await page.waitForFunction(() => performance.getEntriesByType('navigation')[0].type === 'reload', null,
        { timeout: 20000 });
      tabs.seen.reloaded += 1;
    }
    console.log(JSON.stringify({ events: events.seen, poll: poll.seen, tabs: tabs.seen }));
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
