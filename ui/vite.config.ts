import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// Multi-page: the supervisor dashboard becomes a second input (dashboard.html)
// sharing src/lib; Tauri loads ui/dist/index.html, hence relative asset paths.
const page = (name: string) => decodeURIComponent(new URL(name, import.meta.url).pathname);

export default defineConfig({
  base: './',
  plugins: [svelte({ compilerOptions: { runes: true } }), svelteTesting()],
  // Tauri's dev window points at this port (devUrl); strictPort so it fails loudly.
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2021',
    rolldownOptions: {
      input: {
        index: page('index.html'),
        dashboard: page('dashboard.html'),
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
  },
});
