// Real processes for end-to-end tests: an X server (Xvfb), a Xuncha server
// on a real port with the demo data, and tauri-driver, which drives the real
// app binary through WebKitWebDriver. Every process is stopped by `stopAll`.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = join(ROOT, 'artifacts', 'e2e');
export const PASSWORD = 'xuncha-demo-2026';
const running = new Set();

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function artifactsDir(sub) {
  const dir = join(ARTIFACTS, sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function track(child, name) {
  running.add(child);
  child.on('exit', () => running.delete(child));
  child.stderr?.on('data', (d) => process.env.XUNCHA_E2E_VERBOSE && process.stderr.write(`[${name}] ${d}`));
  return child;
}

/** Resolves with the first line of `stream` that `pattern` matches. */
function lineMatching(stream, pattern, what, timeoutMs = 60_000) {
  return new Promise((resolveLine, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no "${pattern}" within ${timeoutMs} ms`)), timeoutMs);
    stream.on('data', (chunk) => {
      buffer += chunk.toString();
      const m = buffer.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolveLine(m);
      }
    });
    stream.on('end', () => reject(new Error(`${what} ended before "${pattern}"`)));
  });
}

export async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

/** Xvfb on a display it picks itself; resolves with `:N`. */
export async function startXvfb() {
  const xvfb = track(
    spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    }),
    'xvfb',
  );
  const [, display] = await lineMatching(xvfb.stdio[3], /(\d+)\n/, 'Xvfb');
  return `:${display}`;
}

/** The server binary with demo data in `dataDir`, on `port` (0: any). */
export async function startServer(dataDir, port = 0, extraEnv = {}) {
  const bin = join(ROOT, 'target', 'debug', 'xuncha-server');
  const env = { ...process.env, XUNCHA_DATA_DIR: dataDir, RUST_LOG: 'warn', ...extraEnv };
  await new Promise((res, rej) => {
    const seed = spawn(bin, ['demo'], { env, stdio: 'ignore' });
    seed.on('exit', (code) => (code === 0 ? res() : rej(new Error(`demo seed exited with ${code}`))));
  });
  const server = track(spawn(bin, ['serve', '--bind', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'pipe', 'pipe'] }), 'server');
  const [, addr] = await lineMatching(server.stdout, /listening on (\S+)/, 'xuncha-server');
  return { process: server, url: `http://${addr}`, port: Number(addr.split(':').pop()) };
}

export async function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((res) => child.once('exit', res));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** tauri-driver on free ports; the app it starts sees `env`. */
export async function startTauriDriver(env) {
  const port = await freePort();
  const nativePort = await freePort();
  const driver = track(
    spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    'tauri-driver',
  );
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok || res.status === 404) return { process: driver, port };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('tauri-driver did not start');
}

export async function stopAll() {
  await Promise.all([...running].map(stopProcess));
}

/** A signed-in supervisor's view of the server's API. */
export async function apiLogin(url, username) {
  const res = await fetch(`${url}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
  const { token } = await res.json();
  return async (path, { method = 'GET', body } = {}) => {
    const headers = { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const r = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: await r.json().catch(() => null) };
  };
}

/** Debian's Chromium, headless and quiet (playwright-core downloads no browser). */
export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
    ],
  });
}

/** The dashboard signed in as `username`, in a fresh zh-CN context that accepts downloads. */
export async function dashboardPage(browser, url, username, viewport = { width: 1280, height: 900 }, ready = 'nav-inspections') {
  const context = await browser.newContext({ viewport, acceptDownloads: true, locale: 'zh-CN' });
  const page = await context.newPage();
  const id = (testid) => `[data-testid="${testid}"]`;
  await page.goto(`${url}/`);
  await page.fill(id('login-username'), username);
  await page.fill(id('login-password'), PASSWORD);
  await page.click(id('login-submit'));
  await page.waitForSelector(id(ready));
  return page;
}
