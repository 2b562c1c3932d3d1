// The supervisor dashboard in Debian's Chromium (playwright-core, no browser
// download) against a real xuncha-server with the demo data: log in, filter,
// open a report, return it with a comment on an item, check with a real
// xuncha-client device that the review arrives, download both statistics
// files and check their numbers against the seeded data, and check that a
// supervisor of another county sees none of it. Screenshots of every page
// (and the report printed to an A4 PDF) go to artifacts/e2e/dashboard/.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { unzipSync, strFromU8 } from 'fflate';
import { ROOT, PASSWORD, apiLogin, artifactsDir, startServer, stopAll, tempDir, dashboardPage, launchChromium } from './harness.mjs';

const shots = artifactsDir('dashboard');
const id = (testid) => `[data-testid="${testid}"]`;
const run = promisify(execFile);
const RETURNED_CENTRE = '130102-T01'; // signed by insp-wang in the demo data
const ITEM = 'basic.premises';
let server;
let browser;

before(async () => {
  server = await startServer(tempDir('xuncha-e2e-dash-'), 0, { XUNCHA_UI_DIR: join(ROOT, 'ui', 'dist') });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopAll();
});

const signIn = (username, viewport) => dashboardPage(browser, server.url, username, viewport);

/** Clicks a download link and returns the file's bytes. */
async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(id(testid))]);
  return readFileSync(await file.path());
}

function csvRows(bytes) {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  return text.trim().split(/\r?\n/).map((line) => line.split(','));
}

test('a supervisor filters, reviews, and downloads the quarterly statistics', async () => {
  const page = await signIn('sup-changan');
  await page.screenshot({ path: join(shots, '01-inspections-zh.png') });

  // Filter: submitted inspections of township centres.
  await page.selectOption(id('filter-status'), 'submitted');
  await page.selectOption(id('filter-type'), 'township');
  await page.waitForFunction(
    (sel) => [...document.querySelectorAll(sel)].length === 1,
    id('inspection-row'),
  );
  const row = page.locator(id('inspection-row'));
  assert.equal(await row.getAttribute('data-centre'), RETURNED_CENTRE);
  await page.screenshot({ path: join(shots, '02-inspections-filtered-zh.png') });

  // The report.
  await row.click();
  await page.waitForSelector(id('report-total'));
  await page.waitForSelector(id('gps-svg'));
  const total = await page.textContent(id('report-total'));
  assert.match(total ?? '', /\d/);
  await page.screenshot({ path: join(shots, '03-report-zh.png'), fullPage: true });
  // The evidence names the device that signed it, and a photo (stored as
  // lossy WebP by the app) opens whole: the browser decodes it.
  assert.match(await page.textContent(id('evidence-devices')), /签名设备：.+的手机/);
  const thumb = page.locator(`button${id('photo-thumb')}`).first();
  assert.match(await thumb.getAttribute('title'), /设备签名：/);
  await thumb.click();
  const whole = page.locator('[role="dialog"] img');
  await whole.waitFor();
  await page.waitForFunction((sel) => document.querySelector(sel)?.naturalWidth > 0, '[role="dialog"] img');
  const type = await page.evaluate(async () => {
    const res = await fetch(document.querySelector('[role="dialog"] img').src);
    return res.headers.get('content-type');
  });
  assert.equal(type, 'image/webp', 'the photo is served as the WebP the device stored');
  await page.screenshot({ path: join(shots, '03b-report-photo-webp.png') });
  await page.click(id('photo-close'));
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: join(shots, '04-report-print-a4.pdf'), format: 'A4', printBackground: false });
  await page.screenshot({ path: join(shots, '04-report-print-preview.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });

  // Returned for rework, with a comment on one item.
  await page.click(id('review-return'));
  await page.fill(id('review-comment'), '请补拍营业执照照片。');
  await page.fill(id(`item-comment-${ITEM}`), '许可证照片不清晰，请重拍。');
  await page.click(id('review-submit'));
  await page.waitForFunction(
    (sel) => /退回|returned/i.test(document.querySelector(sel)?.textContent ?? ''),
    id('review-status'),
  );
  await page.screenshot({ path: join(shots, '05-report-returned-zh.png'), fullPage: true });

  // The inspector's device receives the review through the normal sync.
  const bin = join(ROOT, 'target', 'debug', 'device-review');
  const { stdout } = await run(bin, [tempDir('xuncha-e2e-dev-'), server.url, 'insp-wang', PASSWORD, RETURNED_CENTRE]);
  const { review } = JSON.parse(stdout);
  assert.equal(review.current.status, 'returned');
  assert.equal(review.current.by, 'sup-changan');
  assert.equal(review.current.item_comments[ITEM], '许可证照片不清晰，请重拍。');

  // Centres and one centre's page.
  await page.click(id('nav-centres'));
  await page.waitForSelector(id('registry-row'));
  await page.screenshot({ path: join(shots, '06-centres-zh.png'), fullPage: true });
  await page.click(`${id('registry-row')}[data-centre="${RETURNED_CENTRE}"] a`);
  await page.waitForSelector(id('trend-chart'));
  await page.screenshot({ path: join(shots, '07-centre-zh.png'), fullPage: true });

  // Statistics for 2026Q4: on screen, then both downloads, against the seeded registry of 长安区:
  // community 东关 built + 谈固 under construction; block, township and two villages built.
  await page.click(id('nav-stats'));
  await page.waitForSelector(id('att4-table'));
  await page.selectOption(id('stats-quarter'), '2026Q4');
  await page.waitForSelector(id('att5-table'));
  await page.screenshot({ path: join(shots, '08-stats-zh.png'), fullPage: true });
  const att4 = csvRows(await download(page, 'download-att4'));
  const totals = att4.at(-1);
  assert.deepEqual(totals.slice(2, 6), ['5', '1', '0', '6'], 'built, under construction, planned, total');
  // Attachment 5 of the statistics period 2026Q3, which 2026Q4's inspections
  // observe (上一完整季度): the community and township centres' own reports
  // (91.2 and 301.5 万元, the demo operator's) and, for the village that has
  // not reported, its newest official inspection's 60.
  await page.selectOption(id('stats-quarter'), '2026Q3');
  await page.waitForSelector(`${id('att5-table')}`);
  await page.waitForFunction((q) => [...document.querySelectorAll('p.hint')].some((e) => e.textContent.includes(` · ${q} · `)), '2026年第三季度');
  const att5 = csvRows(await download(page, 'download-att5'));
  assert.equal(att5.at(-1)[4], '2', 'two centres reported themselves');
  assert.equal(att5.at(-1)[5], '452.7');
  await page.selectOption(id('stats-quarter'), '2026Q4');
  await page.waitForFunction((q) => [...document.querySelectorAll('p.hint')].some((e) => e.textContent.includes(` · ${q} · `)), '2026年第四季度');
  const xlsx = unzipSync(new Uint8Array(await download(page, 'download-xlsx')));
  const workbook = strFromU8(xlsx['xl/workbook.xml']);
  for (const name of ['附件4 Attachment 4', '附件5 Attachment 5', '试点目标 Pilot targets']) {
    assert.ok(workbook.includes(name), name);
  }
  const sheet1 = strFromU8(xlsx['xl/worksheets/sheet1.xml']);
  const lastRow = [...sheet1.matchAll(/<row [^>]*>(.*?)<\/row>/g)].at(-1)[1];
  const numbers = [...lastRow.matchAll(/<v>([^<]*)<\/v>/g)].map((m) => m[1]);
  assert.deepEqual(numbers.slice(-4), ['5', '1', '0', '6'], 'the workbook holds the same totals, as numbers');

  await page.click(id('nav-charts'));
  await page.waitForSelector(`${id('chart-grades')} canvas`);
  await page.screenshot({ path: join(shots, '09-charts-zh.png'), fullPage: true });

  // English, on a tablet.
  await page.setViewportSize({ width: 820, height: 1180 });
  await page.click(id('lang-switch'));
  await page.click(id('nav-inspections'));
  await page.waitForSelector(id('inspection-row'));
  await page.screenshot({ path: join(shots, '10-inspections-en-tablet.png') });
  await page.context().close();
});

test('a supervisor of another county sees none of it', async () => {
  const page = await signIn('sup-qiaoxi');
  await page.waitForSelector(id('inspection-row'));
  const centres = await page.locator(id('inspection-row')).evaluateAll((rows) => rows.map((r) => r.dataset.centre));
  assert.ok(centres.length > 0);
  assert.ok(centres.every((c) => c.startsWith('130104-')), `only 桥西区: ${centres}`);
  await page.click(id('nav-centres'));
  await page.waitForSelector(id('registry-row'));
  const codes = await page.locator(id('registry-row')).evaluateAll((rows) => rows.map((r) => r.dataset.centre));
  assert.ok(codes.every((c) => c.startsWith('130104-')), `only 桥西区: ${codes}`);
  // A 长安区 report asked for directly is refused.
  const status = await page.evaluate(async () => {
    const list = await fetch('/api/v1/inspections?per_page=200').then((r) => r.json());
    return list.items.some((i) => i.region.county === '长安区');
  });
  assert.equal(status, false);
  const res = await page.request.get(`${server.url}/api/v1/centres/${RETURNED_CENTRE}/overview`);
  assert.equal(res.status(), 403);
  await page.screenshot({ path: join(shots, '11-other-county-zh.png') });
  await page.context().close();
});

test('a page on another port of the same host cannot act with the dashboard session', async () => {
  // The administrator is signed in to the dashboard in this browser...
  const page = await signIn('hebei-admin');
  // ...and opens a page served on another port of the same host: the same
  // site, so the SameSite=Strict session cookie goes with its requests.
  const csv = 'code,name,centre_type,province,city,county,township,lat,lon,geofence_m,floor_area_m2,'
    + 'community_floor_area_m2,households,status\nCSRF-1,伪造中心,community,河北省,石家庄市,长安区,x,38.05,114.52,150,,,,built\n';
  const attack = `<!doctype html><meta charset="utf-8"><body>
    <form id="f" method="post" enctype="text/plain" action="${server.url}/api/v1/centres/import">
      <textarea name="${csv.replace(/"/g, '&quot;')}">x</textarea></form>
    <script>
      fetch(${JSON.stringify(`${server.url}/api/v1/centres/import`)},
        { method: 'POST', mode: 'no-cors', credentials: 'include', body: ${JSON.stringify(csv)} })
        .finally(() => document.getElementById('f').submit());
    </script></body>`;
  const other = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(attack));
  await new Promise((ok) => other.listen(0, '127.0.0.1', ok));
  try {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/centres/import') && r.request().resourceType() === 'document'),
      page.goto(`http://127.0.0.1:${other.address().port}/`),
    ]);
    assert.equal(response.status(), 403, 'the form post is refused');
    assert.equal((await response.json()).code, 'cross_site');
    await page.screenshot({ path: join(shots, '12-cross-site-refused.png') });
  } finally {
    other.close();
  }
  const api = await apiLogin(server.url, 'hebei-admin');
  assert.equal((await api('/api/v1/centres/CSRF-1')).status, 404, 'no centre was created');
  // The dashboard's own requests still work in the same browser.
  await page.goto(`${server.url}/`);
  await page.waitForSelector(id('nav-inspections'));
  await page.context().close();
});
