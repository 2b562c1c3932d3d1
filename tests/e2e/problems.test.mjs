// The rectification pages (整改) in Debian's Chromium (playwright-core, no
// browser download) against a real xuncha-server with the demo data: the
// supervisor of 长安区 opens the ledger (整改台账), lists the overdue
// problems, records the centre's feedback (整改反馈) on one and escalates it
// (督办) with a reason (both refused without text), issues a notice
// (整改通知书) for two draft problems of 130102-B01, opens its printable A4
// page (printed to a PDF), and downloads the ledger as CSV: a header and one
// row per problem. The supervisor of 桥西区 sees no problem of 长安区.
// Screenshots go to artifacts/e2e/problems/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, apiLogin, artifactsDir, startServer, stopAll, tempDir, dashboardPage, launchChromium } from './harness.mjs';

const shots = artifactsDir('problems');
const id = (testid) => `[data-testid="${testid}"]`;
const CENTRE = '130102-B01';
const CENTRE_NAME = '建华南大街生活服务集聚区';
const NUMBER = /^长安商整〔\d{4}〕\d+号$/;
let server;
let browser;

before(async () => {
  server = await startServer(tempDir('xuncha-e2e-problems-'), 0, { XUNCHA_UI_DIR: join(ROOT, 'ui', 'dist') });
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

/** RFC 4180 rows (quoted fields may hold commas, quotes and line breaks). */
function csvRows(bytes) {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/** The number in a column of the ledger's row of a county. */
async function ledgerCount(page, county, col) {
  return Number((await page.textContent(`${id(`ledger-row-${county}`)} [data-col="${col}"]`)).trim());
}

/** The ids of the problem rows on the page. */
async function rowIds(page) {
  return page.locator('[data-testid^="problem-row-"]')
    .evaluateAll((rows) => rows.map((r) => Number(r.dataset.testid.replace('problem-row-', ''))));
}

test('a supervisor keeps the ledger: feedback, escalation, a notice, its print page, the CSV', async () => {
  const api = await apiLogin(server.url, 'sup-changan');
  const page = await signIn('sup-changan');
  await page.click(id('nav-problems'));
  await page.waitForSelector(id('ledger-row-长安区'));
  await page.waitForSelector('[data-testid^="problem-row-"]');
  assert.ok(await ledgerCount(page, '长安区', 'draft') >= 1, 'drafts of the approved inspection');
  assert.ok(await ledgerCount(page, '长安区', 'overdue') >= 1, 'the overdue problem of the issued notice');
  await page.screenshot({ path: join(shots, '01-ledger-zh.png'), fullPage: true });

  // The overdue count lists exactly the overdue problems.
  await page.click(id('ledger-长安区-overdue'));
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid^="problem-row-"]')];
    return rows.length > 0 && rows.every((r) => r.dataset.state === 'overdue');
  });
  assert.equal(new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('due'), 'overdue');
  const overdue = (await api(`/api/v1/problems?county=${encodeURIComponent('长安区')}&due=overdue&per_page=200`)).body;
  assert.deepEqual((await rowIds(page)).sort(), overdue.items.map((p) => p.id).sort());
  assert.equal(await page.inputValue(id('problems-filter-due')), 'overdue');
  // An old link (overdue=true) lists the same problems.
  const old = (await api(`/api/v1/problems?county=${encodeURIComponent('长安区')}&overdue=true&per_page=200`)).body;
  assert.deepEqual(old.items.map((p) => p.id).sort(), overdue.items.map((p) => p.id).sort());
  await page.screenshot({ path: join(shots, '02-ledger-overdue-zh.png'), fullPage: true });

  // One overdue problem: feedback and escalation, each refused without text.
  const [target] = overdue.items;
  await page.click(id(`problem-link-${target.id}`));
  await page.waitForSelector(id('problem-feedback-text'));
  assert.equal(await page.textContent(id('problem-state')), '逾期');
  await page.click(id('problem-feedback-submit'));
  assert.match(await page.textContent(id('problem-feedback-error')), /请填写整改反馈内容/);
  const feedback = '已更换全部过期灭火器，并建立月度检查记录（端到端测试）。';
  await page.fill(id('problem-feedback-text'), feedback);
  // A photo of the rectification goes with it (any PNG will do).
  await page.setInputFiles(id('problem-feedback-photos'), join(ROOT, 'src-tauri', 'icons', '128x128@2x.png'));
  await page.click(id('problem-feedback-submit'));
  await page.waitForSelector(id('problem-feedback-done'));
  await page.waitForSelector(`${id('problem-events')} [data-kind="feedback"] img`);
  await page.click(id('problem-escalate-submit'));
  assert.match(await page.textContent(id('problem-escalate-error')), /请填写督办原因/);
  const reason = '逾期未整改，挂牌督办（端到端测试）。';
  await page.fill(id('problem-escalate-reason'), reason);
  await page.click(id('problem-escalate-submit'));
  await page.waitForSelector(id('problem-escalated'));
  await page.waitForSelector(`${id('problem-events')} [data-kind="escalated"]`);
  const after = (await api(`/api/v1/problems/${target.id}`)).body;
  assert.equal(after.problem.escalated, true);
  assert.ok(after.problem.feedback_at > 0);
  assert.ok(after.events.some((e) => e.kind === 'feedback' && e.detail === feedback && e.photos.length === 1),
    'the feedback is recorded with its photo');
  assert.ok(after.events.some((e) => e.kind === 'escalated' && e.detail === reason), 'the reason is recorded');
  await page.screenshot({ path: join(shots, '03-problem-escalated-zh.png'), fullPage: true });

  // Back to the ledger; two drafts of one centre (130102-B01 in the demo) in one notice.
  const allDrafts = (await api(`/api/v1/problems?county=${encodeURIComponent('长安区')}&state=draft&per_page=200`)).body.items;
  const draftsOf = (code) => allDrafts.filter((p) => p.centre_code === code);
  const centre = draftsOf(CENTRE).length >= 2 ? CENTRE : allDrafts.find((p) => draftsOf(p.centre_code).length >= 2)?.centre_code;
  assert.ok(centre, `a centre of 长安区 with two drafts (${CENTRE} expected)`);
  const drafts = draftsOf(centre);
  const centreName = drafts[0].centre_name;
  if (centre === CENTRE) assert.equal(centreName, CENTRE_NAME);
  await page.click(id('problem-back'));
  await page.waitForSelector(id('problems-filter-reset'));
  await page.click(id('problems-filter-reset'));
  await page.selectOption(id('problems-filter-state'), 'draft');
  await page.fill(id('problems-filter-centre'), centre);
  await page.click(id('problems-filter-apply'));
  const chosen = drafts.slice(0, 2).map((p) => p.id);
  await page.waitForFunction((ids) => ids.every((n) => document.querySelector(`[data-testid="problem-select-${n}"]`)), chosen);
  for (const n of chosen) await page.check(id(`problem-select-${n}`));
  await page.click(id('notice-issue'));
  await page.fill(id('notice-office'), '石家庄市长安区商务局');
  await page.screenshot({ path: join(shots, '04-notice-issue-zh.png'), fullPage: true });
  await page.click(id('notice-issue-submit'));
  await page.waitForSelector(id('notice-number'));
  const number = (await page.textContent(id('notice-number'))).trim();
  assert.match(number, NUMBER);
  const issued = (await api(`/api/v1/problems/${chosen[0]}`)).body.problem;
  assert.equal(issued.state, 'issued');
  const notice = (await api(`/api/v1/notices/${issued.notice_id}`)).body;
  assert.equal(notice.notice.number, number);
  assert.equal(notice.notice.centre_code, centre);
  assert.equal(notice.notice.office, '石家庄市长安区商务局');
  assert.deepEqual(notice.problems.map((p) => p.id).sort(), [...chosen].sort());
  // Issued, they leave the list of drafts.
  for (const n of chosen) await page.waitForSelector(id(`problem-row-${n}`), { state: 'detached' });
  await page.screenshot({ path: join(shots, '05-notice-issued-zh.png'), fullPage: true });

  // The printable notice opens in a new page.
  const [print] = await Promise.all([page.context().waitForEvent('page'), page.click(id('notice-print'))]);
  await print.waitForLoadState();
  const html = await print.content();
  assert.ok(html.includes('整改通知书'), 'the title');
  assert.ok(html.includes(centreName), 'the centre');
  assert.ok(html.includes(number), 'the number');
  await print.screenshot({ path: join(shots, '06-notice-print.png'), fullPage: true });
  await print.emulateMedia({ media: 'print' });
  await print.pdf({ path: join(shots, '06-notice-print-a4.pdf'), format: 'A4', printBackground: false });
  await print.close();

  // The whole ledger as CSV: the header and one row per problem.
  await page.click(id('problems-filter-reset'));
  await page.waitForFunction((sel) => !document.querySelector(sel)?.getAttribute('href')?.includes('centre='), id('problems-export-csv'));
  const all = (await api('/api/v1/problems?per_page=200')).body;
  assert.ok(all.total <= 200, 'the demo data fits one page');
  const rows = csvRows(await download(page, 'problems-export-csv'));
  assert.equal(rows[0][0], '编号 No.');
  assert.equal(rows.length, all.total + 1, 'a header and one row per problem');
  assert.deepEqual(rows.slice(1).map((r) => Number(r[0])).sort((a, b) => a - b), all.items.map((p) => p.id).sort((a, b) => a - b));
  const xlsx = await download(page, 'problems-export-xlsx');
  assert.equal(xlsx.subarray(0, 2).toString(), 'PK', 'a zip (xlsx)');

  // The report of the inspection lists its problems; the centre page offers 安排复查.
  await page.goto(`${server.url}/#/inspection/${encodeURIComponent(issued.doc)}`);
  await page.waitForSelector(`${id('inspection-problems')} ${id(`problem-row-${chosen[0]}`)}`);
  await page.screenshot({ path: join(shots, '07-report-problems-zh.png'), fullPage: true });
  await page.goto(`${server.url}/#/centre/${centre}`);
  await page.waitForSelector(`${id('centre-problems')} ${id('followup-open')}`);
  await page.screenshot({ path: join(shots, '08-centre-problems-zh.png'), fullPage: true });

  // English.
  await page.click(id('lang-switch'));
  await page.click(id('nav-problems'));
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'Rectification', id('nav-problems'));
  await page.waitForSelector(id('ledger-row-长安区'));
  await page.waitForSelector('[data-testid^="problem-row-"]');
  await page.screenshot({ path: join(shots, '09-ledger-en.png'), fullPage: true });
  await page.context().close();
});

test('a supervisor of another county sees no problem of 长安区', async () => {
  const changan = await apiLogin(server.url, 'sup-changan');
  const theirs = (await changan('/api/v1/problems?per_page=1')).body.items[0];
  assert.ok(theirs, 'a 长安区 problem exists');
  const page = await signIn('sup-qiaoxi');
  await page.click(id('nav-problems'));
  await page.waitForSelector(id('ledger'));
  await page.waitForSelector(id('problems-count'));
  assert.equal(await page.locator(id('ledger-row-长安区')).count(), 0);
  const centres = await page.locator('[data-testid^="problem-row-"]').evaluateAll((rows) => rows.map((r) => r.dataset.centre));
  assert.ok(centres.every((c) => c.startsWith('130104-')), `only 桥西区: ${centres}`);
  const seen = await page.evaluate(async () => {
    const list = await fetch('/api/v1/problems?per_page=200').then((r) => r.json());
    return list.items.filter((p) => p.region.county === '长安区').length;
  });
  assert.equal(seen, 0);
  const res = await page.request.get(`${server.url}/api/v1/problems/${theirs.id}`);
  assert.equal(res.status(), 404);
  await page.goto(`${server.url}/#/problem/${theirs.id}`);
  await page.waitForSelector('[role="alert"]');
  await page.screenshot({ path: join(shots, '10-other-county-zh.png'), fullPage: true });
  await page.context().close();
});
