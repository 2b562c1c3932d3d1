import { mount } from 'svelte';
import '../lib/theme.css';
import App from './App.svelte';
import type { Backend } from '../lib/backend';
import { MockBackend } from '../lib/backend-mock';
import { TauriBackend } from '../lib/backend-tauri';

// Outside the Tauri WebView (npm run dev, vite preview) there is no Rust side:
// use the in-memory demo data so every screen can be seen and tried.
// ?setup starts unenrolled; ?mobile pretends to be a phone.
const inTauri = '__TAURI_INTERNALS__' in window;
const q = new URLSearchParams(location.search);
const backend: Backend = inTauri
  ? new TauriBackend()
  : new MockBackend({ enrolled: !q.has('setup'), platform: q.has('mobile') ? 'mobile' : 'desktop' });

mount(App, { target: document.getElementById('app')!, props: { backend, demo: !inTauri } });
