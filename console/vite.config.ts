// Builds the console into dist/console, served by the admin process under /console/ (admin/console/console-assets.ts).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    // The strict Content-Security-Policy allows no inline script: no polyfill injected into the page.
    modulePreload: { polyfill: false },
    // Fonts and images as files, never `data:` inlined into CSS or scripts.
    assetsInlineLimit: 0,
  },
});
