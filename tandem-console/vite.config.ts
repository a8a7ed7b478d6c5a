/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The console is served by tandem-server at "/" from the jar's tandem-console/ folder: index.html and hashed files
// under assets/ (served with long-cache headers). No inline scripts, so the server's CSP can forbid them
// (script-src 'self'); the module-preload polyfill is off because modern Chromium and Firefox need none.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'target/classes/tandem-console',
    emptyOutDir: true,
    assetsDir: 'assets',
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: true,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
  },
});
