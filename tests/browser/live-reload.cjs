// Live reload in headless Chromium, run by tests/serve.rs: one page listens to the event
// stream, another has no EventSource and long-polls; the file is edited and both must show it.
//   node live-reload.cjs <site URL ending in /> <file> <text to replace> <its replacement>
// Prints what each page requested, as JSON.
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

async function main() {
  const browser = await launch();
  try {
    const events = await open(browser, false);
    const poll = await open(browser, true);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(from, to));
    const shows = (p) => p.waitForFunction((t) => document.body && document.body.textContent.includes(t), to,
      { timeout: 20000 });
    await Promise.all([shows(events.page), shows(poll.page)]);
    console.log(JSON.stringify({ events: events.seen, poll: poll.seen }));
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
