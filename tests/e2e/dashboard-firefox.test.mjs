// The dashboard in Firefox (Debian's firefox-esr, driven over WebDriver BiDi
// by puppeteer-core; nothing is downloaded) against a real server with the
// demo data: sign in, list, report with its GPS sketch, statistics, charts.
// Screenshots go to artifacts/e2e/dashboard-firefox/.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import puppeteer from 'puppeteer-core';
import { ROOT, PASSWORD, artifactsDir, startServer, stopAll, tempDir } from './harness.mjs';

const shots = artifactsDir('dashboard-firefox');
const id = (testid) => `[data-testid="${testid}"]`;
let server;
let browser;

before(async () => {
  server = await startServer(tempDir('xuncha-e2e-ff-'), 0, { XUNCHA_UI_DIR: join(ROOT, 'ui', 'dist') });
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: '/usr/bin/firefox-esr',
    headless: true,
    userDataDir: mkdtempSync(join(tmpdir(), 'xuncha-ff-profile-')),
    args: ['--no-remote'],
  });
});

after(async () => {
  await browser?.close();
  await stopAll();
});

test('the dashboard works in Firefox', async () => {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${server.url}/`);
  await page.waitForSelector(id('login-username'));
  await page.type(id('login-username'), 'sup-changan');
  await page.type(id('login-password'), PASSWORD);
  await page.click(id('login-submit'));
  await page.waitForSelector(id('inspection-row'));
  const rows = await page.$$eval(id('inspection-row'), (r) => r.map((x) => x.dataset.centre));
  assert.ok(rows.length >= 4 && rows.every((c) => c.startsWith('130102-')), `长安区 only: ${rows}`);
  await page.screenshot({ path: join(shots, '01-inspections.png') });

  await page.click(`${id('inspection-row')}[data-centre="130102-V01"] a`);
  await page.waitForSelector(`${id('gps-svg')} circle`);
  assert.match(await page.$eval(id('report-total'), (e) => e.textContent ?? ''), /\d/);
  await page.screenshot({ path: join(shots, '02-report.png') });

  await page.click(id('nav-stats'));
  await page.waitForSelector(`${id('att4-table')} tbody tr`);
  await page.screenshot({ path: join(shots, '03-stats.png') });
  await page.click(id('nav-charts'));
  await page.waitForSelector(`${id('chart-grades')} canvas`);
  await page.screenshot({ path: join(shots, '04-charts.png') });
  await page.close();
});
