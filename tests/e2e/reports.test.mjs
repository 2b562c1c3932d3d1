// The quarterly report chain (填报 → 审核 → 上报) in Debian's Chromium against
// a real xuncha-server with the demo data, for 2026Q2 (nothing reported yet):
// 长安区's supervisor fills and submits its tables; 石家庄市's returns them
// with a comment; 长安区 sees the comment and resubmits; 桥西区 submits; the
// city approves both and submits its consolidation; 河北省 approves the city,
// reports to the ministry (报送商务部) and downloads the official workbook;
// then 长安区 corrects (更正) its approved report and the city, after
// approving the correction, is told its own report is stale. The county's
// page is also checked on a phone. Screenshots go to artifacts/e2e/reports/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { unzipSync, strFromU8 } from 'fflate';
import { ROOT, artifactsDir, startServer, stopAll, tempDir, dashboardPage, launchChromium } from './harness.mjs';

const shots = artifactsDir('reports');
const id = (testid) => `[data-testid="${testid}"]`;
const QUARTER = '2026Q2';
let server;
let browser;

before(async () => {
  server = await startServer(tempDir('xuncha-e2e-reports-'), 0, { XUNCHA_UI_DIR: join(ROOT, 'ui', 'dist') });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopAll();
});

/** The reports page of `username` for QUARTER, loaded. */
async function reportsPage(username, viewport) {
  const page = await dashboardPage(browser, server.url, username, viewport);
  await page.click(id('nav-reports'));
  await page.locator(id('report-quarter')).selectOption(QUARTER);
  await page.waitForSelector(`${id('reports-page')}[data-quarter="${QUARTER}"]`);
  return page;
}

/** Fills the heading and submits; waits for the confirmation. */
async function submit(page, { reason } = {}) {
  await page.fill(id('report-form-preparer'), '赵敏');
  await page.fill(id('report-form-checker'), '张建国');
  await page.fill(id('report-form-phone'), '0311-86012345');
  if (reason !== undefined) await page.fill(id('report-form-reason'), reason);
  await page.click(id('report-submit'));
  await page.locator(id('report-done')).waitFor();
}

const part = (page, name) => page.locator(id(`report-part-${name}`));

async function partStatus(page, name, status) {
  await page.waitForSelector(`${id(`report-part-${name}`)}[data-status="${status}"]`);
}

/** Clicks a download link and returns the file's bytes. */
async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(id(testid))]);
  const chunks = [];
  for await (const chunk of await file.createReadStream()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

test('a quarter goes up the chain: submitted, returned, resubmitted, consolidated, reported, corrected', async () => {
  // 长安区 fills its report: the deadline, the preview with who has not reported, then submits.
  const county = await reportsPage('sup-changan');
  assert.equal(await county.locator(id('reports-page')).getAttribute('data-level'), 'county');
  assert.equal(await county.locator(id('report-deadline')).textContent().then((s) => s.trim().slice(0, 10)), '2026-07-05');
  await county.locator(id('report-draft-counts')).waitFor();
  assert.match(await county.locator(id('report-draft-counts')).textContent(), /应报 5 个/);
  assert.equal(await county.inputValue(id('report-form-unit')), '石家庄市长安区商务局');
  await county.screenshot({ path: join(shots, '01-county-fills.png'), fullPage: true });
  await submit(county);
  await county.waitForSelector(`${id('report-version-1')}[data-status="submitted"]`);
  assert.equal(await county.locator(id('report-submit')).isDisabled(), true, 'awaiting review: nothing more to submit');

  // 石家庄市 returns it with a comment; 桥西区 has not reported, so the city cannot submit.
  const city = await reportsPage('sup-shijiazhuang');
  await partStatus(city, '长安区', 'submitted');
  await partStatus(city, '桥西区', 'none');
  assert.equal(await city.locator(id('report-blocked')).getAttribute('data-block'), 'parts_pending');
  await part(city, '长安区').locator(id('report-return')).click();
  await city.click(id('report-return-send'));
  assert.ok(await city.locator(id('report-return-comment')).isVisible(), 'a return says why');
  await city.fill(id('report-return-comment'), '北豆村综合服务站未报营业额，请督促补报后重新上报。');
  await city.click(id('report-return-send'));
  await partStatus(city, '长安区', 'returned');
  await city.screenshot({ path: join(shots, '02-city-returns.png'), fullPage: true });

  // 长安区 reads the comment and resubmits (the heading is kept from version 1).
  await county.reload();
  await county.waitForSelector(`${id('report-version-1')}[data-status="returned"]`);
  assert.match(await county.locator(id('report-version-comment-1')).textContent(), /北豆村综合服务站未报营业额/);
  assert.equal(await county.inputValue(id('report-form-phone')), '0311-86012345');
  await county.fill(id('report-form-reason'), '已督促北豆村补报。');
  await county.click(id('report-submit'));
  await county.locator(id('report-done')).waitFor();
  await county.waitForSelector(`${id('report-version-2')}[data-status="submitted"]`);
  await county.screenshot({ path: join(shots, '03-county-resubmits.png'), fullPage: true });

  // 桥西区 submits too.
  const qiaoxi = await reportsPage('sup-qiaoxi');
  await submit(qiaoxi);
  await qiaoxi.context().close();

  // The city approves both counties and submits its consolidation.
  await city.reload();
  for (const name of ['长安区', '桥西区']) {
    await partStatus(city, name, 'submitted');
    await part(city, name).locator(id('report-approve')).click();
    await partStatus(city, name, 'approved');
  }
  await city.locator(`${id('report-submit')}:not([disabled])`).waitFor();
  await city.locator(id('report-draft')).waitFor();
  await submit(city);
  await city.waitForSelector(`${id('report-version-1')}[data-status="submitted"]`);
  await city.screenshot({ path: join(shots, '04-city-consolidates.png'), fullPage: true });

  // 河北省 approves the city and reports to the ministry; the official workbook downloads.
  const province = await reportsPage('hebei-admin');
  assert.equal(await province.locator(id('reports-page')).getAttribute('data-level'), 'province');
  await partStatus(province, '石家庄市', 'submitted');
  await part(province, '石家庄市').locator(id('report-approve')).click();
  await partStatus(province, '石家庄市', 'approved');
  assert.match(await province.locator(id('report-submit')).textContent(), /报送商务部/);
  await submit(province);
  await province.waitForSelector(`${id('report-version-1')}[data-status="reported"]`);
  const xlsx = unzipSync(new Uint8Array(await download(province, 'report-download-xlsx')));
  const strings = strFromU8(xlsx['xl/sharedStrings.xml']);
  assert.ok(strings.includes('已建成城乡便民消费服务中心运营情况统计表（2026年第二季度）'), 'the table is named as the circular names it');
  assert.ok(strings.includes('填报单位（盖章）：河北省商务厅'));
  assert.ok(strings.includes('营业额（万元）') && strings.includes('填报人：赵敏'));
  await province.screenshot({ path: join(shots, '05-province-reports.png'), fullPage: true });

  // 长安区 corrects its approved report (更正 needs its reason); once the city
  // approves the correction, the city's consolidation is stale.
  await county.reload();
  await county.waitForSelector(`${id('report-version-2')}[data-status="approved"]`);
  await county.locator(id('report-correction-hint')).waitFor();
  await county.click(id('report-submit'));
  await county.locator(id('report-form-error')).waitFor();
  await county.fill(id('report-form-reason'), '北豆村补报2026年第二季度营业额。');
  await county.click(id('report-submit'));
  await county.locator(id('report-done')).waitFor();
  await county.waitForSelector(`${id('report-version-3')}[data-status="submitted"]`);
  await city.reload();
  await partStatus(city, '长安区', 'submitted');
  await part(city, '长安区').locator(id('report-approve')).click();
  await partStatus(city, '长安区', 'approved');
  await city.locator(id('report-stale')).waitFor();
  await city.screenshot({ path: join(shots, '06-city-stale-after-correction.png'), fullPage: true });

  // The county's page on a phone: nothing wider than the screen.
  const phone = await reportsPage('sup-changan', { width: 360, height: 640 });
  await phone.waitForSelector(`${id('report-version-3')}[data-status="approved"]`);
  const fits = await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(fits, 'nothing wider than 360 px');
  await phone.screenshot({ path: join(shots, '07-county-phone.png'), fullPage: true });
});

test('the province sees where it is weak: items, counties, vetoes, ranking, closure, timeliness, trend', async () => {
  const page = await dashboardPage(browser, server.url, 'hebei-admin');
  await page.click(id('nav-analysis'));
  await page.locator(id('analysis-quarter')).selectOption('2026Q4');
  await page.locator(id('analysis-items')).waitFor();
  // 西兆通镇's random check found a general fire hazard ordered rectified (0.3 of the points):
  // over the township's two inspections, 3.5 of 10 points lost.
  await page.click(id('analysis-type-township'));
  const item = page.locator(id('analysis-item-safety.fire_check'));
  await item.waitFor();
  assert.match(await item.locator(id('analysis-rate')).textContent(), /35\.0%/);
  for (const county of ['长安区', '桥西区']) {
    await page.locator(id(`analysis-county-${county}`)).waitFor();
    await page.locator(id(`analysis-rank-${county}`)).waitFor();
    await page.locator(id(`analysis-closure-${county}`)).waitFor();
  }
  assert.match(await page.locator(id('analysis-closure-长安区')).textContent(), /2/);
  await page.locator(`${id('analysis-ranking-chart')} canvas`).waitFor();
  await page.locator(`${id('analysis-trend-chart')} canvas`).waitFor();
  await page.locator(id('analysis-timeliness')).waitFor();
  await page.screenshot({ path: join(shots, '08-province-analysis.png'), fullPage: true });
});

test('the province records an objection to a model centre under publicity; the public page shows it', async () => {
  const page = await dashboardPage(browser, server.url, 'hebei-admin');
  await page.click(id('nav-exemplars'));
  const row = page.locator(id('exemplar-row-130102-T01'));
  await row.waitFor();
  assert.equal(await row.getAttribute('data-state'), 'publicized');
  await row.click();
  await page.locator(id('exemplar-case-title')).waitFor();
  assert.match(await page.locator(id('exemplar-case-title')).textContent(), /镇村联动的一站式生活服务/);
  assert.equal(await page.locator(id('exemplar-recognise')).isDisabled(), true, 'not before the publicity ends');
  await page.fill(id('exemplar-objection-text'), '群众反映周末营业时间缩短，请核实。');
  await page.click(id('exemplar-objection'));
  await page.locator(`${id('exemplar-events')} ${id('exemplar-event')}`).nth(2).waitFor();
  assert.match(await page.locator(id('exemplar-events')).textContent(), /群众反映周末营业时间缩短/);
  await page.screenshot({ path: join(shots, '09-province-exemplar.png'), fullPage: true });

  // The public page: the centre and its case, no official's name, no objection.
  const pub = await page.context().newPage();
  await pub.goto(`${server.url}/public/exemplars`);
  const text = await pub.locator('body').textContent();
  assert.ok(text.includes('西兆通镇生活综合服务中心') && text.includes('公示中'));
  assert.ok(!text.includes('hebei-admin') && !text.includes('周末营业时间'));
  await pub.screenshot({ path: join(shots, '10-public-exemplars.png'), fullPage: true });

  // A county's supervisor on a phone sees the list and cannot decide.
  const phone = await dashboardPage(browser, server.url, 'sup-changan', { width: 360, height: 640 });
  await phone.click(id('nav-exemplars'));
  await phone.locator(id('exemplar-row-130102-T01')).click();
  await phone.locator(id('exemplar-case-title')).waitFor();
  assert.equal(await phone.locator(id('exemplar-publicize')).count() + await phone.locator(id('exemplar-recognise')).count(), 0);
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing wider than 360 px');
  await phone.screenshot({ path: join(shots, '11-county-exemplar-phone.png'), fullPage: true });
});
