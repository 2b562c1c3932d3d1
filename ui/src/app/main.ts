import { mount } from 'svelte';
import '../lib/theme.css';
import App from './App.svelte';
import type { Backend } from '../lib/backend';
import { TauriBackend } from '../lib/backend-tauri';

// In the Tauri WebView the Rust side is the backend. Under `npm run dev`
// outside it, the in-memory demo data stands in so every screen can be
// seen and tried (?setup starts unenrolled; ?mobile pretends to be a
// phone). A production build has no demo data at all: `import.meta.env.DEV`
// is false there and the mock's import is dropped (scripts/check-app-bundle.mjs).
const inTauri = '__TAURI_INTERNALS__' in window;
const target = document.getElementById('app')!;

async function start() {
  let backend: Backend;
  if (inTauri) {
    backend = new TauriBackend();
  } else if (import.meta.env.DEV) {
    const { MockBackend } = await import('../lib/backend-mock');
    const q = new URLSearchParams(location.search);
    backend = new MockBackend({ enrolled: !q.has('setup'), platform: q.has('mobile') ? 'mobile' : 'desktop' });
  } else {
    target.textContent = '请在巡查应用中打开。Open this page in the Xuncha app.';
    return;
  }
  mount(App, { target, props: { backend, demo: !inTauri } });
}
start();
