// The real app binary (ui/dist embedded), driven through tauri-driver and
// WebKitWebDriver under Xvfb, against a real xuncha-server with the demo data:
// enrol, answer items of several types, attach a photo, keep editing while
// the server is down, restart the app and find every edit, sync, and check
// that the server's official score is the provisional score the app showed.
// Screenshots of every screen at 360×640 go to artifacts/e2e/app/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { remote } from 'webdriverio';
import {
  ROOT, PASSWORD, apiLogin, artifactsDir, startServer, startTauriDriver, startXvfb, stopAll, stopProcess, tempDir,
} from './harness.mjs';

const APP = join(ROOT, 'target', 'debug', 'xuncha-app');
const PHOTO = join(ROOT, 'src-tauri', 'icons', '128x128@2x.png');
const CENTRE = '130104-C01'; // insp-zhao's assignment in the demo data, not started
const shots = artifactsDir('app');
const id = (testid) => `[data-testid="${testid}"]`;

let server;
let driver;
let dataDir;
let browser;

async function openApp() {
  browser = await remote({
    hostname: '127.0.0.1',
    port: driver.port,
    logLevel: 'error',
    capabilities: { 'tauri:options': { application: APP } },
    waitforTimeout: 20_000,
  });
  await browser.setWindowSize(360, 640);
}

async function shot(name) {
  await browser.saveScreenshot(join(shots, `${name}.png`));
}

/**
 * Taps an element once it is in the middle of the screen, stays where it is
 * (photos still loading and a header that grows move things) and nothing
 * (the sticky header, the tab bar) covers its centre.
 */
async function tap(testid) {
  const el = await browser.$(id(testid));
  await el.waitForDisplayed();
  let last = '';
  await browser.waitUntil(async () => {
    const at = await browser.execute((e) => {
      e.scrollIntoView({ block: 'center' });
      const r = e.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return JSON.stringify([Math.round(r.top), Math.round(r.left), hit !== null && e.contains(hit)]);
    }, el);
    const ready = at === last && at.endsWith('true]');
    last = at;
    return ready;
  }, { interval: 100, timeoutMsg: `${testid} kept moving or stayed covered` });
  await el.waitForClickable();
  await el.click().catch(async (e) => { await shot('failed-tap'); throw new Error(`tapping ${testid}: ${e.message}`); });
}

/** Types into an input and leaves it (numbers are saved as they are typed; leaving shows what is wrong). */
async function type(testid, text) {
  const el = await browser.$(id(testid));
  await el.waitForDisplayed();
  await el.scrollIntoView({ block: 'center' });
  await el.setValue(text);
  await browser.keys('Tab');
}

async function pressed(testid, attr = 'aria-pressed') {
  return (await browser.$(id(testid)).getAttribute(attr)) === 'true';
}

/** Waits until the checklist's save indicator shows no save in flight. */
async function settled() {
  await browser.waitUntil(async () => (await browser.$(id('saved-indicator')).getAttribute('data-state')) !== 'saving', {
    timeoutMsg: 'edits still saving',
  });
}

async function openInspection() {
  await browser.url('tauri://localhost/#/centres');
  await tap(`centre-card-${CENTRE}`);
  await tap('start-inspection');
  await browser.$(id('score-total')).waitForDisplayed();
}

before(async () => {
  const display = await startXvfb();
  dataDir = tempDir('xuncha-e2e-server-');
  server = await startServer(dataDir);
  const appData = tempDir('xuncha-e2e-app-');
  driver = await startTauriDriver({ DISPLAY: display, XUNCHA_APP_DATA_DIR: appData, RUST_LOG: 'warn' });
});

after(async () => {
  // What the screen showed when something failed.
  await browser?.saveScreenshot(join(shots, 'last.png')).catch(() => {});
  await browser?.deleteSession().catch(() => {});
  await stopAll();
});

test('an inspection survives a server outage and an app restart, and scores the same on the server', async () => {
  await openApp();

  // First run: enrol with the server's address and an inspector's account.
  await browser.$(id('setup-server')).waitForDisplayed();
  await shot('01-setup-zh');
  await type('setup-server', server.url);
  await type('setup-username', 'insp-zhao');
  await type('setup-password', 'wrong-password');
  await tap('setup-submit');
  await browser.$(id('setup-error')).waitForDisplayed();
  await shot('02-setup-error-zh');
  await type('setup-password', PASSWORD);
  await tap('setup-submit');

  // My centres: the assignment arrived with enrolment.
  await browser.$(id(`centre-card-${CENTRE}`)).waitForDisplayed();
  await shot('03-centres-zh');
  await tap(`centre-card-${CENTRE}`);
  await browser.$(id('start-inspection')).waitForDisplayed();
  await shot('04-centre-detail-zh');
  await tap('start-inspection');
  await browser.$(id('score-total')).waitForDisplayed();
  // Version 2 of the checklist cites its sources in Chinese.
  const cited = await browser.$(id('source-basic.permit')).getText();
  assert.ok(cited.startsWith('依据：') && cited.includes('冀商服贸函〔2022〕6号'), cited);
  await browser.$(id('source-basic.permit')).scrollIntoView({ block: 'center' });
  await shot('05-checklist-zh');

  // Items of several types.
  await tap('answer-basic.permit-yes');
  await tap('answer-basic.sign-yes');
  await type('answer-fig.turnover-number', '120.5');
  await tap('answer-svc.basic-choice-convenience_store');
  await tap('answer-svc.basic-choice-fresh_food');
  await tap('answer-svc.basic-choice-catering');
  await tap('answer-safety.food_hygiene-scale-4');
  await tap('answer-ops.disputes-choice-channel_and_log');
  // 现场随访: each person asked is a record; the rate is computed.
  for (const [happy, opinion, phone] of [[true, '早餐品种可以再多一些', ''], [false, '希望延长晚间营业时间', '13800138000'], [true, '', '']]) {
    await tap(`respondent-${happy ? 'satisfied' : 'unsatisfied'}-sat.residents`);
    if (opinion) await type('respondent-opinion-sat.residents', opinion);
    if (phone) await type('respondent-phone-sat.residents', phone);
    await tap('respondent-add-sat.residents');
    await settled();
  }
  await browser.waitUntil(async () => (await browser.$(id('respondents-summary-sat.residents')).getText()).includes('已随访 3 人，满意 2 人'), {
    timeoutMsg: 'the respondents were not recorded',
  });
  assert.match(await browser.$(id('respondent-sat.residents-1')).getText(), /138\*\*\*\*8000/, 'the phone number is masked');
  // The records under the sticky header: the summary and the three people asked.
  await browser.execute(() => {
    const list = document.querySelector('[data-testid="respondents-summary-sat.residents"]');
    window.scrollBy(0, list.getBoundingClientRect().top - 170);
  });
  await shot('06a-respondents-zh');

  // A photo for the item that requires one (the desktop file picker).
  // The raw WebDriver command: a file input is styled hidden behind its
  // button, and the spec lets files be sent to it anyway.
  const input = await browser.$(id('photo-input-basic.sign'));
  await browser.elementSendKeys(input.elementId, PHOTO);
  await browser.$(id('photo-thumb-basic.sign')).waitForExist();
  await browser.waitUntil(async () => (await browser.$(`img${id('photo-thumb-basic.sign')}`).isExisting()), {
    timeoutMsg: 'the thumbnail did not appear',
  });
  await browser.$(`img${id('photo-thumb-basic.sign')}`).scrollIntoView({ block: 'center' });
  await shot('06-checklist-photo-zh');

  // A hand-entered position (desktop): recorded, clearly not proof of presence.
  // 80 m north-east of the registered position (38.0365, 114.4870).
  await type('fix-lat', '38.0370');
  await type('fix-lon', '114.4876');
  await type('fix-accuracy', '15');
  await tap('fix-submit');
  await settled();
  // 76.5 m from the centre (haversine), inside its 150 m geofence.
  await browser.$(id('gps-fence')).waitForDisplayed();
  assert.equal(await browser.$(id('gps-fence')).getAttribute('data-inside'), 'true', 'inside the geofence');
  assert.equal((await browser.$(id('gps-fence')).getText()).trim(), '在中心范围内');
  const metres = Number(await browser.$(id('gps-distance')).getAttribute('data-metres'));
  assert.ok(metres >= 76 && metres <= 77, `distance to the centre ${metres} m, expected 76–77 m`);
  assert.match(await browser.$(id('gps-distance')).getText(), /距中心 7[67] 米/);
  await browser.execute(() => {
    const panel = document.querySelector('[data-testid="gps-panel"]');
    window.scrollBy(0, panel.getBoundingClientRect().top - 130);
  });
  await shot('07-gps-zh');

  // The server goes away; the inspector keeps working.
  await stopProcess(server.process);
  await tap('answer-safety.environment-scale-5');
  await type('notes-basic.permit', '许可证悬挂于收银台后方');
  await type('general-notes', '站点整洁，消防通道畅通。');
  await settled();

  // The app is closed and opened again: every edit is there.
  await browser.deleteSession();
  await openApp();
  await openInspection();
  assert.ok(await pressed('answer-basic.permit-yes'));
  assert.ok(await pressed('answer-basic.sign-yes'));
  assert.equal(await browser.$(id('answer-fig.turnover-number')).getValue(), '120.5');
  for (const o of ['convenience_store', 'fresh_food', 'catering']) {
    assert.ok(await pressed(`answer-svc.basic-choice-${o}`), o);
  }
  assert.ok(!(await pressed('answer-svc.basic-choice-housekeeping')));
  assert.ok(await pressed('answer-safety.food_hygiene-scale-4'));
  assert.ok(await pressed('answer-ops.disputes-choice-channel_and_log', 'aria-checked'));
  assert.match(await browser.$(id('respondents-summary-sat.residents')).getText(), /已随访 3 人，满意 2 人/);
  assert.ok(await pressed('answer-safety.environment-scale-5'), 'the edit made while the server was down');
  assert.equal(await browser.$(id('notes-basic.permit')).getValue(), '许可证悬挂于收银台后方');
  assert.equal(await browser.$(id('general-notes')).getValue(), '站点整洁，消防通道畅通。');
  assert.ok(await browser.$(`img${id('photo-thumb-basic.sign')}`).isExisting(), 'the photo is still attached');
  const provisional = await browser.$(id('score-total')).getText();

  // The server is back (same address, same data); "sync now" delivers it all.
  server = await startServer(dataDir, server.port);
  await tap('tab-sync');
  await tap('sync-now');
  await browser.waitUntil(
    async () =>
      (await browser.$(id('sync-state')).getAttribute('class')).includes('up_to_date') &&
      (await browser.$(id('sync-pending')).getText()) === '0' &&
      (await browser.$$('progress').length) === 0,
    { timeout: 60_000, interval: 250, timeoutMsg: 'the sync did not finish' },
  );
  await shot('08-sync-zh');

  // The device's log goes to a file for support, and it records the rounds.
  await tap('export-log');
  const exported = await browser.$(id('log-exported'));
  await exported.waitForExist({ timeout: 10_000 });
  const path = (await exported.getText()).match(/(\/\S+?\.txt)/)?.[1];
  assert.ok(path, `a path in: ${await exported.getText()}`);
  const log = readFileSync(path, 'utf8');
  assert.match(log, /sync round/, 'the log records sync rounds');
  assert.match(log, /offline/, 'and the outage');
  rmSync(path);
  await browser.execute(() => window.scrollTo(0, document.body.scrollHeight));
  await shot('08b-log-exported-zh');

  // The official score (the server's engine) is the provisional one.
  const get = await apiLogin(server.url, 'sup-qiaoxi');
  const { body: list } = await get('/api/v1/inspections?per_page=50');
  const items = list.items ?? list;
  const mine = items.find((i) => i.centre_code === CENTRE);
  assert.ok(mine, 'the inspection is on the server');
  const { status, body: report } = await get(`/api/v1/inspections/${mine.doc}/report`);
  assert.equal(status, 200);
  const official = report.inspection.total;
  assert.equal(String(Math.round(official * 10) / 10), provisional, `official ${official}, app showed ${provisional}`);
  assert.ok(report.document.photos && Object.keys(report.document.photos).length === 1, 'the photo reached the server');

  // One screen in English: the choice is kept across restarts.
  await tap('tab-centres');
  await tap('lang-switch');
  await browser.$(id(`centre-card-${CENTRE}`)).waitForDisplayed();
  await shot('09-centres-en');
  await browser.deleteSession();
  await openApp();
  await browser.$(id(`centre-card-${CENTRE}`)).waitForDisplayed();
  const lang = await browser.execute(() => document.documentElement.lang);
  assert.equal(lang, 'en', 'English is kept after a restart');
  await tap('lang-switch');
  await browser.$(id(`centre-card-${CENTRE}`)).waitForDisplayed();
});

test('a follow-up (复查) is worked offline and synced; its approval closes only what an on-site photo proves', async () => {
  // insp-zhao (enrolled above) was sent back to re-check 130104-V01's issued problems.
  const FOLLOW_UP = '130104-V01';
  const sup = await apiLogin(server.url, 'sup-qiaoxi');
  const { body: open } = await sup(`/api/v1/problems?centre=${FOLLOW_UP}&state=issued`);
  const ids = open.items.map((p) => p.id).sort((a, b) => a - b);
  assert.ok(ids.length >= 2, `issued problems to re-check: ${ids}`);
  const [rectified, notYet] = ids;

  await browser.url('tauri://localhost/#/centres');
  await browser.$(id(`centre-card-${FOLLOW_UP}`)).waitForDisplayed();
  await tap(`centre-card-${FOLLOW_UP}`);
  const start = await browser.$(`${id('start-inspection')}[data-purpose="follow_up"]`);
  await start.waitForClickable();
  await shot('10-followup-task-zh');
  await start.click();
  await browser.$(id(`answer-p${rectified}-choice-rectified`)).waitForDisplayed();
  // The original finding's photos (原问题照片) came with the task and show offline.
  const pictured = open.items.find((p) => p.photos.length > 0);
  assert.ok(pictured, 'a problem of the demo visit has a photo of the finding');
  await browser.$(`img${id(`reference-thumb-p${pictured.id}`)}`).waitForDisplayed({ timeout: 10_000 });
  await shot('11-followup-checklist-zh');

  // No coverage in the village: the inspector works on.
  await stopProcess(server.process);
  await tap(`answer-p${rectified}-choice-rectified`);
  await tap(`answer-p${notYet}-choice-not`);
  await type(`notes-p${notYet}`, '台账仍未补齐');
  for (const rest of ids.slice(2)) await tap(`answer-p${rest}-choice-partly`);
  await settled();
  await tap('sign-off');
  await tap('sign-off-confirm');
  await settled();
  await shot('12-followup-signed-offline-zh');

  // Back in coverage, the app syncs what it kept.
  server = await startServer(dataDir, server.port);
  await tap('tab-sync');
  await tap('sync-now');
  await browser.waitUntil(
    async () => (await browser.$(id('sync-state')).getAttribute('class')).includes('up_to_date')
      && (await browser.$(id('sync-pending')).getText()) === '0',
    { timeout: 60_000, interval: 250, timeoutMsg: 'the follow-up did not sync' },
  );
  const supervisor = await apiLogin(server.url, 'sup-qiaoxi');
  const { body: before } = await supervisor(`/api/v1/problems/${rectified}`);
  const doc = before.problem.followup_doc;
  const { body: report } = await supervisor(`/api/v1/inspections/${doc}/report`);
  assert.equal(report.inspection.status, 'submitted', 'signed on the device, offline');
  assert.deepEqual(report.document.answers[`p${rectified}`].answer, { kind: 'choice', value: 'rectified' });
  assert.deepEqual(report.document.answers[`p${notYet}`].answer, { kind: 'choice', value: 'not' });

  // Approved: nothing closes without a photo taken on site; what is not rectified stays open.
  const { status } = await supervisor(`/api/v1/inspections/${doc}/review`, { method: 'POST', body: { status: 'approved' } });
  assert.equal(status, 200);
  for (const n of [rectified, notYet]) {
    const { body } = await supervisor(`/api/v1/problems/${n}`);
    assert.equal(body.problem.state, 'issued', `problem ${n} stays open`);
    assert.equal(body.events.at(-1).kind, 'not_rectified');
  }
  const { body: last } = await supervisor(`/api/v1/problems/${notYet}`);
  assert.match(last.events.at(-1).detail, /台账仍未补齐/);
});

test('an administrator moves an open draft to version 2 of its checklist and the device shows what changed', async () => {
  // insp-zhao's thematic check of 130104-V01 is still a draft on version 1 of the village template.
  const STATION = '130104-V01';
  const admin = await apiLogin(server.url, 'admin');
  const { status: previewed, body: preview } = await admin('/api/v1/templates/village/2/drafts');
  assert.equal(previewed, 200);
  assert.deepEqual(preview.drafts, [{ version: 1, count: 1 }], JSON.stringify(preview));
  const { status, body: moved } = await admin('/api/v1/templates/village/2/drafts', { method: 'POST', body: {} });
  assert.equal(status, 200);
  assert.equal(moved.moved, 1);

  await tap('tab-sync');
  await tap('sync-now');
  await browser.waitUntil(
    async () => (await browser.$(id('sync-state')).getAttribute('class')).includes('up_to_date')
      && (await browser.$(id('sync-pending')).getText()) === '0',
    { timeout: 60_000, interval: 250, timeoutMsg: 'the moved draft did not arrive' },
  );
  await browser.url('tauri://localhost/#/centres');
  await tap(`centre-card-${STATION}`);
  const start = await browser.$(`${id('start-inspection')}[data-purpose="thematic"]`);
  await start.waitForClickable();
  await start.click();
  const notice = await browser.$(id('migration-notice'));
  await notice.waitForDisplayed({ timeout: 20_000 });
  const text = await notice.getText();
  assert.match(text, /检查表已更新到第 2 版/);
  assert.match(text, /火灾隐患检查情况/, 'the fire item carried to its new id');
  assert.match(text, /basic\.size/, 'the village size answer kept as a record');
  // The checklist is version 2's: the western and eastern shop items, and respondents.
  await browser.$(id('respondents-sat.villagers')).waitForExist();
  await notice.scrollIntoView({ block: 'start' });
  await shot('13-migration-notice-zh');
});
