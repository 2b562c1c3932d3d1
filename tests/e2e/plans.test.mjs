// The assignment page (任务安排) in Debian's Chromium (playwright-core, no
// browser download) against a real xuncha-server with the demo data: the
// supervisor of 长安区 makes a random-check plan (双随机抽查) for the current
// quarter with an explicit pool of both inspectors of 长安区 and their
// credential numbers (执法证号), draws it, replaces one inspector with a
// reason (refused without one), confirms it, and the tasks appear as
// assignments in the API. The demo's drawn plan refuses to replace the
// township centre's inspector (the other inspected it last round: 回避) with
// the server's message.
// Screenshots go to artifacts/e2e/plans/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, apiLogin, artifactsDir, startServer, stopAll, tempDir, dashboardPage, launchChromium } from './harness.mjs';

const shots = artifactsDir('plans');
const id = (testid) => `[data-testid="${testid}"]`;
const DEMO_PLAN = '2027年第一季度长安区双随机抽查';
const INSPECTORS = ['insp-wang', 'insp-li'];
let server;
let browser;

before(async () => {
  server = await startServer(tempDir('xuncha-e2e-plans-'), 0, { XUNCHA_UI_DIR: join(ROOT, 'ui', 'dist') });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopAll();
});

const signIn = (username, viewport) => dashboardPage(browser, server.url, username, viewport);

/** The testids of the task rows on the plan page, as centre codes. */
async function taskCentres(page) {
  return page.locator('[data-testid^="plan-task-"]')
    .evaluateAll((rows) => rows.map((r) => r.dataset.testid.replace('plan-task-', '')));
}

test('a supervisor plans random checks: create, draw, replace with a reason, confirm', async () => {
  const api = await apiLogin(server.url, 'sup-changan');
  const page = await signIn('sup-changan');
  await page.click(id('nav-plans'));
  await page.waitForSelector('[data-testid^="plan-row-"]');
  const demoRow = page.locator('[data-testid^="plan-row-"]', { hasText: DEMO_PLAN });
  assert.match(await demoRow.textContent(), /已抽取/);
  await page.screenshot({ path: join(shots, '01-plans-list-zh.png'), fullPage: true });

  // The plan: the current quarter (the form's default), one centre per stratum,
  // one inspector a task, both inspectors of 长安区 in the pool.
  await page.click(id('plan-create-open'));
  const quarter = await page.inputValue(id('plan-create-quarter'));
  assert.match(quarter, /^\d{4}Q[1-4]$/);
  const seed = `e2e-${quarter}-长安区`;
  await page.fill(id('plan-create-name'), `${quarter} 长安区双随机抽查（端到端测试）`);
  assert.equal(await page.inputValue(id('plan-create-purpose')), 'random');
  await page.check(id('plan-create-mode-count'));
  await page.fill(id('plan-create-count'), '1');
  await page.fill(id('plan-create-per-task'), '1');
  await page.fill(id('plan-create-seed'), seed);
  await page.fill(id('plan-create-credential-insp-wang'), '冀执 130102-0001');
  await page.fill(id('plan-create-credential-insp-li'), '冀执 130102-0002');
  for (const who of INSPECTORS) await page.check(id(`plan-create-pool-${who}`));
  await page.screenshot({ path: join(shots, '02-plan-create-zh.png'), fullPage: true });
  await page.click(id('plan-create-submit'));

  // The plan's page: a draft with the seed shown.
  await page.waitForSelector(id('plan-draw'));
  const planId = Number(new URL(page.url()).hash.match(/^#\/plan\/(\d+)$/)?.[1]);
  assert.ok(planId > 0, `plan id from ${page.url()}`);
  assert.equal(await page.textContent(id('plan-seed')), seed);
  assert.equal(await page.textContent(id('plan-state')), '草稿');
  const made = (await api(`/api/v1/plans/${planId}`)).body.plan;
  assert.deepEqual(made.sampling, { count: 1 });
  assert.equal(made.per_task, 1);
  assert.deepEqual(made.pool.map((e) => [e.username, e.credential]).sort(),
    [['insp-li', '冀执 130102-0002'], ['insp-wang', '冀执 130102-0001']]);

  // Draw.
  await page.click(id('plan-draw'));
  await page.waitForSelector('[data-testid^="plan-replace-"]');
  assert.equal(await page.textContent(id('plan-state')), '已抽取');
  const drawn = (await api(`/api/v1/plans/${planId}`)).body;
  const tasks = drawn.plan.draw.result.tasks;
  assert.ok(tasks.length >= 1);
  assert.deepEqual((await taskCentres(page)).sort(), tasks.map((t) => t.centre_code).sort());
  for (const t of tasks) assert.equal(t.inspectors.length, 1);
  assert.deepEqual(drawn.events.map((e) => e.kind), ['drawn']);
  await page.screenshot({ path: join(shots, '03-plan-drawn-zh.png'), fullPage: true });

  // Replace the first task's inspector: refused without a reason, then done with one.
  const [first] = tasks;
  const out = first.inspectors[0];
  const other = INSPECTORS.find((u) => u !== out);
  await page.click(id(`plan-replace-${first.centre_code}-${out}`));
  await page.click(id('replace-submit'));
  assert.match(await page.textContent(id('replace-error')), /请填写替换原因/);
  const reason = '该检查员本季度借调外出，按规定替换';
  await page.fill(id('replace-reason'), reason);
  await page.click(id('replace-submit'));
  await page.waitForSelector(id('replace-notice'));
  await page.waitForSelector(id(`plan-inspector-${first.centre_code}-${other}`));
  const replaced = (await api(`/api/v1/plans/${planId}`)).body;
  const task = replaced.plan.draw.result.tasks.find((t) => t.centre_code === first.centre_code);
  assert.deepEqual(task.inspectors, [other]);
  const event = replaced.events.find((e) => e.kind === 'replaced');
  assert.ok(event?.detail.includes(reason), `the reason is recorded: ${event?.detail}`);
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('替换'), id('plan-events'));
  await page.screenshot({ path: join(shots, '04-plan-replaced-zh.png'), fullPage: true });

  // Confirm, with its confirmation step.
  await page.click(id('plan-confirm'));
  await page.waitForSelector(id('plan-confirm-yes'));
  await page.click(id('plan-confirm-yes'));
  await page.waitForSelector(id('plan-confirmed-note'));
  assert.equal(await page.textContent(id('plan-state')), '已确认');
  await page.waitForSelector(id('plan-progress-summary'));
  await page.screenshot({ path: join(shots, '05-plan-confirmed-zh.png'), fullPage: true });

  // Every task is an assignment of the quarter, of the plan's purpose, to its inspector.
  const final = (await api(`/api/v1/plans/${planId}`)).body;
  assert.equal(final.plan.state, 'confirmed');
  assert.deepEqual(final.events.map((e) => e.kind), ['drawn', 'replaced', 'confirmed']);
  const { status, body: assignments } = await api(`/api/v1/assignments?quarter=${quarter}`);
  assert.equal(status, 200);
  for (const t of final.plan.draw.result.tasks) {
    const found = assignments.filter((a) => a.centre_code === t.centre_code && a.purpose === 'random' && !a.cancelled);
    for (const who of t.inspectors) {
      assert.ok(found.some((a) => a.inspector === who), `${t.centre_code} assigned to ${who}`);
    }
  }

  // English.
  await page.click(id('lang-switch'));
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'Confirmed', id('plan-state'));
  assert.equal(await page.textContent(id('nav-plans')), 'Assignments');
  await page.screenshot({ path: join(shots, '06-plan-confirmed-en.png'), fullPage: true });
  await page.click(id('plan-back'));
  await page.waitForSelector(id(`plan-row-${planId}`));
  assert.match(await page.textContent(id(`plan-row-${planId}`)), /Confirmed/);
  await page.screenshot({ path: join(shots, '07-plans-list-en.png'), fullPage: true });

  // The quarter's tasks, and the coverage of the year.
  await page.click(id('plans-tab-tasks'));
  await page.selectOption(id('assignment-quarter'), quarter);
  await page.waitForSelector(id(`assignment-row-${first.centre_code}`));
  await page.screenshot({ path: join(shots, '08-tasks-en.png'), fullPage: true });
  await page.click(id('plans-tab-coverage'));
  await page.waitForSelector(id('coverage-count'));
  await page.screenshot({ path: join(shots, '09-coverage-en.png'), fullPage: true });
  await page.context().close();
});

test('the demo plan cannot replace an inspector when nobody is left: the refusal is shown', async () => {
  const page = await signIn('sup-changan');
  await page.click(id('nav-plans'));
  const row = page.locator('[data-testid^="plan-row-"]', { hasText: DEMO_PLAN });
  await row.locator('a').click();
  // insp-wang did this quarter's routine inspection of the township centre
  // when the plan was drawn, so only insp-li may inspect it next (回避):
  // nobody may take her place.
  const button = page.locator(id('plan-replace-130102-T01-insp-li'));
  await button.waitFor();
  await button.click();
  await page.fill(id('replace-reason'), '临时有事');
  await page.click(id('replace-submit'));
  await page.waitForSelector(id('replace-error'));
  assert.match(await page.textContent(id('replace-error')), /回避/);
  assert.equal(await page.textContent(id('plan-state')), '已抽取');
  await page.screenshot({ path: join(shots, '10-demo-plan-refused-zh.png'), fullPage: true });
  await page.context().close();
});
