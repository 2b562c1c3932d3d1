// Publication of results (结果公示, 一公开) in Debian's Chromium (playwright-core,
// no browser download) against a real xuncha-server with the demo data: the
// province's administrator opens 长安区's confirmed random check (published as
// version 1 by the demo), publishes a correction (更正) — refused without a
// reason (更正说明), then with one — and the API holds two versions. Without
// signing in (a fresh browser context, no cookie), the public index and the
// plan's page show the title, 第2版, the reason, the centre and its result,
// and nothing personal (no inspector, no publisher), nor does the public JSON.
// The plan's page is printed to an A4 PDF. The supervisor of 长安区 sees the
// versions but no publish controls. Screenshots go to artifacts/e2e/public/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, apiLogin, artifactsDir, startServer, stopAll, tempDir, dashboardPage, launchChromium } from './harness.mjs';

const shots = artifactsDir('public');
const id = (testid) => `[data-testid="${testid}"]`;
const PLAN = '2026年第四季度长安区乡镇中心双随机抽查';
const CENTRE = '西兆通镇生活综合服务中心';
const REASON = '复核后更正：西兆通镇生活综合服务中心的整改情况按最新记录公示（端到端测试）';
/** What the public never reads: the inspector, by user name or by name, and who published. */
const PERSONAL = ['insp-li', '李检查员', 'hebei-admin', 'published_by'];
const GRADE_ZH = { excellent: '优秀', good: '良好', pass: '合格', fail: '不合格' };
let server;
let browser;
let planId;

before(async () => {
  server = await startServer(tempDir('xuncha-e2e-public-'), 0, { XUNCHA_UI_DIR: join(ROOT, 'ui', 'dist') });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopAll();
});

const signIn = (username, viewport) => dashboardPage(browser, server.url, username, viewport);

/** From the plans page to the demo plan's page; returns its id. */
async function openPlan(page) {
  await page.click(id('nav-plans'));
  await page.waitForSelector('[data-testid^="plan-row-"]');
  const row = page.locator('[data-testid^="plan-row-"]', { hasText: PLAN });
  assert.equal(await row.count(), 1, `the plans list shows ${PLAN}`);
  assert.match(await row.textContent(), /已确认/);
  await row.locator('a').click();
  await page.waitForSelector(id('plan-publication'));
  const found = Number(new URL(page.url()).hash.match(/^#\/plan\/(\d+)$/)?.[1]);
  assert.ok(found > 0, `plan id from ${page.url()}`);
  return found;
}

function assertNothingPersonal(text, where) {
  for (const word of PERSONAL) assert.ok(!text.includes(word), `${where} shows "${word}"`);
}

test('an administrator publishes a correction with a reason', async () => {
  const api = await apiLogin(server.url, 'hebei-admin');
  const page = await signIn('hebei-admin');
  assert.ok(await page.locator(id('nav-plans')).isVisible(), 'the province administrator has 任务安排');
  planId = await openPlan(page);

  // Version 1, published by the demo; the public page linked.
  await page.waitForSelector(id('publication-version-1'));
  assert.match(await page.textContent(id('publication-version-1')), /第1版/);
  assert.equal(await page.locator(id('publication-version-2')).count(), 0);
  const link = page.locator(id('publication-public-link'));
  assert.equal(await link.textContent(), '查看公示页面');
  assert.equal(await link.getAttribute('href'), `/public/plans/${planId}`);
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.equal(await page.locator(id('publication-publish')).count(), 0, 'published already: only corrections');
  const section = page.locator(id('plan-publication'));
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: join(shots, '01-plan-publication-v1-zh.png') });

  // A correction without a reason is refused on the page; nothing is published.
  await page.click(id('publication-correct'));
  assert.match(await page.textContent(id('publication-error')), /请填写更正说明/);
  assert.equal((await api(`/api/v1/plans/${planId}/publications`)).body.length, 1);
  // The server refuses one too.
  const refused = await api(`/api/v1/plans/${planId}/publications`, { method: 'POST', body: { reason: '  ' } });
  assert.equal(refused.status, 422);

  // With a reason: version 2.
  await page.fill(id('publication-reason'), REASON);
  await page.screenshot({ path: join(shots, '02-plan-correction-form-zh.png'), fullPage: true });
  await page.click(id('publication-correct'));
  await page.waitForSelector(id('publication-version-2'));
  assert.equal((await page.textContent(id('publication-reason-2'))).trim(), REASON);
  assert.match(await page.textContent(id('publication-done')), /已发布第2版公示/);
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: join(shots, '03-plan-publication-v2-zh.png') });

  const { status, body: versions } = await api(`/api/v1/plans/${planId}/publications`);
  assert.equal(status, 200);
  assert.deepEqual(versions.map((v) => v.version), [1, 2]);
  assert.equal(versions[1].reason, REASON);
  assert.equal(versions[1].published_by, 'hebei-admin');
  assert.equal(versions[1].title, PLAN);
  await page.context().close();
});

test('anyone reads the published results without signing in, and nothing personal', async () => {
  assert.ok(planId, 'the correction was published');
  const api = await apiLogin(server.url, 'hebei-admin');
  const latest = (await api(`/api/v1/plans/${planId}/publications`)).body.at(-1);
  const row = latest.rows.find((r) => r.centre_name === CENTRE);
  assert.ok(row, `${CENTRE} is in the published rows`);
  const result = row.grade ? GRADE_ZH[row.grade] : '尚未完成';

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  assert.deepEqual(await context.cookies(), [], 'a fresh context has no session');
  const page = await context.newPage();

  // The index.
  const index = await page.goto(`${server.url}/public`);
  assert.equal(index.status(), 200);
  const indexText = await page.textContent('body');
  assert.ok(indexText.includes(PLAN), 'the index lists the plan');
  assert.ok(indexText.includes('已更正'), 'the index marks the corrected plan');
  assertNothingPersonal(await page.content(), '/public');
  await page.screenshot({ path: join(shots, '04-public-index-zh.png'), fullPage: true });

  // The plan's page, from the index.
  await page.click(`a[href="/public/plans/${planId}"]`);
  await page.waitForURL(`${server.url}/public/plans/${planId}`);
  const text = await page.textContent('body');
  for (const want of [PLAN, '第2版', `更正说明：${REASON}`, CENTRE, result]) {
    assert.ok(text.includes(want), `the public plan page shows "${want}"`);
  }
  assert.ok(row.approved_on == null || text.includes(row.approved_on), 'the approval date');
  assertNothingPersonal(await page.content(), `/public/plans/${planId}`);
  assert.equal(await page.locator('script').count(), 0, 'no script on the public page');
  await page.screenshot({ path: join(shots, '05-public-plan-zh.png'), fullPage: true });
  await page.pdf({ path: join(shots, '05-public-plan-a4.pdf'), format: 'A4', printBackground: false });

  // The first version stays readable.
  await page.goto(`${server.url}/public/plans/${planId}?version=1`);
  const first = await page.textContent('body');
  assert.ok(first.includes('第1版'));
  assert.ok(!first.includes(`更正说明：${REASON}`), 'version 1 has no correction note');
  assert.deepEqual(await context.cookies(), [], 'still no session');
  await context.close();

  // The JSON feed, anonymously: the newest version of each plan, nothing personal.
  const feed = await fetch(`${server.url}/api/v1/public/publications`);
  assert.equal(feed.status, 200);
  const feedText = await feed.text();
  assertNothingPersonal(feedText, '/api/v1/public/publications');
  const record = JSON.parse(feedText).find((r) => r.plan_id === planId);
  assert.equal(record?.version, 2);
  assert.equal(record.reason, REASON);
  const all = await fetch(`${server.url}/api/v1/public/publications/${planId}`);
  assert.equal(all.status, 200);
  const allText = await all.text();
  assertNothingPersonal(allText, `/api/v1/public/publications/${planId}`);
  assert.deepEqual(JSON.parse(allText).map((r) => r.version), [1, 2]);
});

test('the supervisor of 长安区 sees the versions, no publish controls', async () => {
  const api = await apiLogin(server.url, 'sup-changan');
  const page = await signIn('sup-changan');
  const plan = await openPlan(page);
  await page.waitForSelector(id('publication-version-1'));
  assert.equal(await page.locator(id('publication-publish')).count(), 0);
  assert.equal(await page.locator(id('publication-correct')).count(), 0);
  assert.equal(await page.locator(id('publication-reason')).count(), 0);
  assert.match(await page.textContent(id('publication-admin-only')), /由管理员发布/);
  assert.equal(await page.getAttribute(id('publication-public-link'), 'href'), `/public/plans/${plan}`);
  const section = page.locator(id('plan-publication'));
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: join(shots, '06-plan-publication-supervisor-zh.png') });
  const refused = await api(`/api/v1/plans/${plan}/publications`, { method: 'POST', body: { reason: '督导人员不能发布' } });
  assert.equal(refused.status, 403);
  await page.context().close();
});
