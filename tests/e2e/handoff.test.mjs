// 现场互传 between two real app instances (two data directories, two
// tauri-drivers) on one machine: 王 and 李 of 长安区 are both assigned a
// thematic check of 130102-V01 (assigned through the API), enrol, the server
// goes away, each answers an item, then 王's phone offers and 李's joins with
// the address and code it shows. Both list the exchanged inspection and each
// holds the other's answer. Screenshots go to artifacts/e2e/handoff/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { remote } from 'webdriverio';
import {
  ROOT, PASSWORD, apiLogin, artifactsDir, startServer, startTauriDriver, startXvfb, stopAll, stopProcess, tempDir,
} from './harness.mjs';

const APP = join(ROOT, 'target', 'debug', 'xuncha-app');
const shots = artifactsDir('handoff');
const id = (testid) => `[data-testid="${testid}"]`;

let server;
let doc;
const phones = {};

async function open(name, display) {
  const driver = await startTauriDriver({ DISPLAY: display, XUNCHA_APP_DATA_DIR: tempDir(`xuncha-e2e-${name}-`), RUST_LOG: 'warn' });
  const browser = await remote({
    hostname: '127.0.0.1',
    port: driver.port,
    logLevel: 'error',
    capabilities: { 'tauri:options': { application: APP } },
    waitforTimeout: 20_000,
  });
  await browser.setWindowSize(360, 640);
  return browser;
}

/** Taps once the element is displayed, scrolled to the middle and clickable. */
async function tap(b, testid) {
  const el = await b.$(id(testid));
  await el.waitForDisplayed();
  await el.scrollIntoView({ block: 'center' });
  await el.waitForClickable();
  await el.click();
}

async function type(b, testid, text) {
  const el = await b.$(id(testid));
  await el.waitForDisplayed();
  await el.scrollIntoView({ block: 'center' });
  await el.setValue(text);
}

async function enrol(b, username) {
  await b.$(id('setup-server')).waitForDisplayed();
  await type(b, 'setup-server', server.url);
  await type(b, 'setup-username', username);
  await type(b, 'setup-password', PASSWORD);
  await tap(b, 'setup-submit');
  await b.$(id('centre-card-130102-V01')).waitForDisplayed();
}

/** Opens the inspection and answers a yes/no item, waiting for the save. */
async function answer(b, item) {
  await b.url(`tauri://localhost/#/inspection/${encodeURIComponent(doc)}`);
  await b.$(id('score-total')).waitForDisplayed();
  await tap(b, `answer-${item}-yes`);
  await b.waitUntil(async () => (await b.$(id(`answer-${item}-yes`)).getAttribute('aria-pressed')) === 'true', {
    timeoutMsg: `${item} was not answered`,
  });
  await b.waitUntil(async () => (await b.$(id('saved-indicator')).getAttribute('data-state')) !== 'saving');
}

before(async () => {
  const display = await startXvfb();
  server = await startServer(tempDir('xuncha-e2e-handoff-server-'));
  const api = await apiLogin(server.url, 'sup-changan');
  const res = await api('/api/v1/assignments', {
    method: 'POST',
    body: { centre_code: '130102-V01', quarter: '2026Q4', purpose: 'thematic', inspectors: ['insp-wang', 'insp-li'] },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  doc = res.body[0].doc;
  phones.wang = await open('wang', display);
  phones.li = await open('li', display);
});

after(async () => {
  for (const [name, b] of Object.entries(phones)) {
    await b?.saveScreenshot(join(shots, `last-${name}.png`)).catch(() => {});
    await b?.deleteSession().catch(() => {});
  }
  await stopAll();
});

test('two phones exchange their shared inspection on site without the server', async () => {
  const { wang, li } = phones;
  await enrol(wang, 'insp-wang');
  await enrol(li, 'insp-li');
  // The certificate comes with the catalog refresh after enrolment; the
  // sync screen's "up to date" says the first sync finished.
  for (const b of [wang, li]) {
    await b.url('tauri://localhost/#/sync');
    await b.waitUntil(async () => (await b.$(id('sync-state')).getText()).includes('已同步'), {
      timeoutMsg: 'the first sync did not finish',
    });
  }

  // No signal in the village: the server is gone from here on.
  await stopProcess(server.process);
  await answer(wang, 'basic.sign');
  await answer(li, 'basic.acceptance');

  // 王 offers: a QR code, this phone's address and an 8-digit code.
  await wang.url('tauri://localhost/#/sync');
  await tap(wang, 'open-handoff');
  await tap(wang, 'handoff-offer');
  await wang.$(id('handoff-code')).waitForDisplayed();
  const code = (await wang.$(id('handoff-code')).getText()).trim();
  const address = (await wang.$(id('handoff-address')).getText()).trim();
  assert.match(code, /^\d{4}-\d{4}$/);
  assert.match(address, /^[\d.]+:\d+$/);
  assert.ok(await wang.$(`${id('handoff-qr')} svg`).isExisting(), 'a QR code is shown');
  await wang.saveScreenshot(join(shots, '01-offer-zh.png'));

  // 李 joins with them.
  await li.url('tauri://localhost/#/handoff');
  await type(li, 'handoff-join-address', address);
  await type(li, 'handoff-join-code', code);
  await li.saveScreenshot(join(shots, '02-join-zh.png'));
  await tap(li, 'handoff-join');
  await li.$(id('handoff-result')).waitForDisplayed({ timeout: 30_000 });
  assert.match(await li.$(id('handoff-result')).getText(), /已与 王检查员 交换检查记录/);
  const row = await li.$(`${id('handoff-doc')}[data-doc="${doc}"]`);
  assert.match(await row.getText(), /发出 [1-9]\d* 条，收到 [1-9]\d* 条/);
  await li.saveScreenshot(join(shots, '03-joined-zh.png'));
  // 王's screen learns the outcome by itself.
  await wang.$(id('handoff-result')).waitForDisplayed({ timeout: 10_000 });
  assert.match(await wang.$(id('handoff-result')).getText(), /已与 李检查员 交换检查记录/);
  await wang.saveScreenshot(join(shots, '04-offered-done-zh.png'));

  // Each phone now holds the other's answer.
  await li.url(`tauri://localhost/#/inspection/${encodeURIComponent(doc)}`);
  await li.$(id('answer-basic.sign-yes')).waitForDisplayed();
  assert.equal(await li.$(id('answer-basic.sign-yes')).getAttribute('aria-pressed'), 'true', "王's answer on 李's phone");
  await wang.url(`tauri://localhost/#/inspection/${encodeURIComponent(doc)}`);
  await wang.$(id('answer-basic.acceptance-yes')).waitForDisplayed();
  assert.equal(await wang.$(id('answer-basic.acceptance-yes')).getAttribute('aria-pressed'), 'true', "李's answer on 王's phone");
  await wang.$(id('answer-basic.acceptance-yes')).scrollIntoView({ block: 'center' });
  await wang.saveScreenshot(join(shots, '05-merged-zh.png'));
});
