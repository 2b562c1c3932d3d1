// Centre operators (运营主体) in Debian's Chromium against a real
// xuncha-server with the demo data. op-beidou, the operator of
// 北豆村综合服务站, signs in on a 360×640 phone screen: enters the figures of
// 2026Q3 (统计期), is asked to check a turnover far above 2026Q2's and
// confirms, then answers an issued problem with text and a photo (整改反馈);
// nothing on the page is wider than the screen. The supervisor of 长安区
// then sees who reported 2026Q3, with the confirmed warning, and the
// operators' accounts. Screenshots go to artifacts/e2e/operators/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, artifactsDir, startServer, stopAll, tempDir, dashboardPage, launchChromium } from './harness.mjs';

const shots = artifactsDir('operators');
const id = (testid) => `[data-testid="${testid}"]`;
const VILLAGE = '130102-V01';
let server;
let browser;

before(async () => {
  server = await startServer(tempDir('xuncha-e2e-operators-'), 0, { XUNCHA_UI_DIR: join(ROOT, 'ui', 'dist') });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopAll();
});

const fitsTheScreen = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

test('an operator reports a period and answers a problem on a phone; the county sees it', async () => {
  const phone = await dashboardPage(browser, server.url, 'op-beidou', { width: 360, height: 640 }, `op-centre-${VILLAGE}`);
  assert.equal(await phone.locator(id('nav-inspections')).count(), 0, 'no staff navigation');
  assert.ok(await fitsTheScreen(phone), 'nothing wider than 360 px');
  await phone.screenshot({ path: join(shots, '01-operator-phone.png'), fullPage: true });

  const form = phone.locator(id(`figures-form-${VILLAGE}`));
  await form.locator(id('figures-period')).selectOption('2026Q3');
  await form.locator(id('figures-turnover')).fill('40');
  await form.locator(id('figures-visits')).fill('3300');
  await form.locator(id('figures-staff')).fill('3');
  await form.locator(id('figures-merchants')).fill('2');
  await form.locator(id('figures-submit')).click();
  const warning = form.locator(id('figures-warning')).first();
  await warning.waitFor();
  assert.match(await warning.textContent(), /营业额（万元）较2026年第二季度（18\.6）变化超过50%（本期40）/);
  await phone.screenshot({ path: join(shots, '02-operator-warning.png'), fullPage: true });
  await form.locator(id('figures-confirm')).click();
  await form.locator(id('figures-done')).waitFor();
  assert.match(await form.locator(id('figures-done')).textContent(), /2026年第三季度.*第1版/);
  await phone.locator(`${id(`op-history-${VILLAGE}`)} li`, { hasText: '2026年第三季度' }).waitFor();

  // The village's issued problems: one answered with text and a photo.
  const problems = phone.locator(`${id('op-problems')} article`);
  assert.ok(await problems.count() >= 1, 'the issued problems are listed');
  const first = problems.first();
  await first.locator(id('problem-feedback-text')).fill('价格公示牌已补齐，明码标价，见照片。');
  await first.locator(id('problem-feedback-photos')).setInputFiles(join(ROOT, 'src-tauri', 'icons', '128x128@2x.png'));
  await first.locator(id('problem-feedback-submit')).click();
  await first.locator(id('problem-feedback-done')).waitFor();
  assert.ok(await fitsTheScreen(phone), 'still nothing wider than the screen');
  await phone.screenshot({ path: join(shots, '03-operator-feedback.png'), fullPage: true });
  await phone.context().close();

  // The county: who reported 2026Q3, the village's confirmed warning, the operators.
  const desk = await dashboardPage(browser, server.url, 'sup-changan');
  await desk.click(id('nav-figures'));
  await desk.locator(id('coverage-period')).selectOption('2026Q3');
  const village = desk.locator(`${id('coverage-row')}[data-centre="${VILLAGE}"]`);
  await desk.waitForFunction((sel) => document.querySelector(sel)?.dataset.reported === 'yes',
    `${id('coverage-row')}[data-centre="${VILLAGE}"]`);
  assert.match(await village.textContent(), /op-beidou/);
  assert.match(await village.locator(id('coverage-warning')).first().textContent(), /变化超过50%/);
  const reported = await desk.locator(`${id('coverage-row')}[data-reported="yes"]`).count();
  assert.equal(reported, 3, 'the community and township centres (op-changan) and the village');
  assert.match(await desk.locator(id('coverage-counts')).textContent(), /已报 3 个/);
  const accounts = await desk.locator(id('operator-row')).allTextContents();
  assert.ok(accounts.some((a) => a.includes('op-beidou')) && accounts.some((a) => a.includes('op-changan')));
  await desk.screenshot({ path: join(shots, '04-county-coverage.png'), fullPage: true });

  // The problem's record shows who answered it.
  const res = await desk.request.get(`${server.url}/api/v1/problems?centre=${VILLAGE}&state=issued`);
  const issued = (await res.json()).items;
  const answered = await Promise.all(issued.map(async (p) =>
    (await (await desk.request.get(`${server.url}/api/v1/problems/${p.id}`)).json()).events.some((e) => e.by === 'op-beidou')));
  assert.ok(answered.includes(true), 'the feedback is on the record, by the operator');
});
