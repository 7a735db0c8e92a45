// Starts headless Chromium for the browser tests and benchmarks: Debian's chromium, or the
// one $CHROMIUM names (the Rust tests set it), quiet and offline.
'use strict';
const { chromium } = require('playwright-core');

// Playwright gives each launch a fresh temporary profile (--user-data-dir) of its own.
exports.launch = () => chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
