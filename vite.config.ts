/**
 * Four browser builds, each a config of its own (scripts/build-web.ts runs them in turn):
 * - `loaderConfig`: widget/loader.ts -> dist/widget/widget.js, the classic script a host site
 *   includes. It shows the bubble and nothing else; it must stay tiny and import nothing heavy.
 * - `widgetConfig`: widget/app/chat-app.ts -> dist/widget/app/chat-app.js, the Lit chat panel and
 *   its socket client, loaded by the loader on first open; beside it a chunk per language and per
 *   screen that is not needed at first (imported when shown: see widget/app/chat-panel.ts).
 * - `agentConfig`: the agent UI single-page app -> dist/agent, served under /agent/.
 * - `portalConfig`: the customers' ticket page (widget/portal) -> dist/portal, served under /tickets/.
 * - `pushWorkerConfig`: widget/push/push-sw.ts -> dist/push/push-sw.js, the push service worker
 *   served at /push-sw.js (a classic script: hosts pull it into their own worker with importScripts).
 * The default export is the agent UI, so plain `vite` serves it for development.
 */
import { defineConfig, type InlineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { dropWebTransportPlugin, minifyTemplatesPlugin } from './widget/build/plugins.js';

const root = fileURLToPath(new URL('.', import.meta.url));

export const loaderConfig: InlineConfig = {
  configFile: false,
  root,
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist/widget',
    emptyOutDir: false,
    target: 'es2020',
    minify: true,
    lib: { entry: 'widget/loader.ts', formats: ['iife'], name: 'ChatHybridLoader', fileName: () => 'widget.js' },
  },
};

export const widgetConfig: InlineConfig = {
  configFile: false,
  root,
  publicDir: false,
  logLevel: 'warn',
  // Lit templates keep the whitespace they are written with; the widget ships without it.
  plugins: [minifyTemplatesPlugin(), dropWebTransportPlugin()],
  build: {
    outDir: 'dist/widget/app',
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    lib: { entry: 'widget/app/chat-app.ts', formats: ['es'], fileName: () => 'chat-app.js' },
    rolldownOptions: {
      // Everything the first open needs goes in chat-app.js itself, one request, and the lazy chunks
      // import what they share with it from there (it is always loaded before them). Library mode's
      // default, 'strict', would move those shared modules out into extra chunks the first open
      // then waits for. Only the loader imports the entry, and it uses `mount` alone.
      preserveEntrySignatures: 'allow-extension',
      // Library mode leaves whitespace in `es` output; the widget is shipped, not imported, so minify it fully.
      output: { minify: true },
    },
  },
};

export const pushWorkerConfig: InlineConfig = {
  configFile: false,
  root,
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist/push',
    emptyOutDir: true,
    target: 'es2020',
    minify: true,
    lib: { entry: 'widget/push/push-sw.ts', formats: ['iife'], name: 'ChatHybridPushWorker', fileName: () => 'push-sw.js' },
  },
};

export const agentConfig: InlineConfig = {
  configFile: false,
  root: `${root}agent-ui`,
  base: '/agent/',
  publicDir: false,
  logLevel: 'warn',
  build: { outDir: `${root}dist/agent`, emptyOutDir: true, target: 'es2022' },
};

export const portalConfig: InlineConfig = {
  configFile: false,
  root: `${root}widget/portal`,
  base: '/tickets/',
  publicDir: false,
  logLevel: 'warn',
  build: { outDir: `${root}dist/portal`, emptyOutDir: true, target: 'es2022' },
};

export default defineConfig(agentConfig);
