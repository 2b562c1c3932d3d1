import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// Two pages sharing src/lib: the inspector app (index.html, loaded by Tauri,
// hence relative asset paths) and the supervisor dashboard (dashboard.html).
const page = (name: string) => decodeURIComponent(new URL(name, import.meta.url).pathname);

// Two builds: `vite build` makes the supervisors' dashboard (dist/, served
// by the server); `vite build --mode app` the inspector app alone (dist-app/,
// Tauri's frontendDist), which scripts/check-app-bundle.mjs then checks.
export default defineConfig(({ mode }) => {
  const app = mode === 'app';
  const input: Record<string, string> = app ? { index: page('index.html') } : { dashboard: page('dashboard.html') };
  return {
    base: './',
    plugins: [svelte({ compilerOptions: { runes: true } }), svelteTesting()],
    // Tauri's dev window points at this port (devUrl); strictPort so it fails loudly.
    server: { port: 5173, strictPort: true },
    build: {
      outDir: app ? 'dist-app' : 'dist',
      emptyOutDir: true,
      target: 'es2021',
      rolldownOptions: { input },
    },
    test: {
      environment: 'jsdom',
      include: ['src/**/*.test.ts'],
      setupFiles: ['src/test-setup.ts'],
    },
  };
});
