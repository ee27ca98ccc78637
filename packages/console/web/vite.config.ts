// The console's front end: Preact with JSX, built into ../dist/web (web-build.ts runs it).
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // One small bundle; no source maps to keep the build quick.
    sourcemap: false,
    reportCompressedSize: false,
    target: 'es2022',
  },
});
