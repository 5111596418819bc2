// The example's build. In an application, '@leadline/client' comes from node_modules; here it is this
// repository's SDK. The dev server passes the platform's paths through to notify-service, so the page
// talks to its own origin as it would when served next to the dashboards.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const sdk = fileURLToPath(new URL('../../src/', import.meta.url));
const notify = process.env.LEADLINE_NOTIFY_URL || 'http://localhost:8080';

export default defineConfig({
  base: './', // servable under any path
  resolve: {
    alias: [
      { find: /^@leadline\/client\/react$/, replacement: sdk + 'react.js' },
      { find: /^@leadline\/client$/, replacement: sdk + 'leadline.js' },
    ],
  },
  server: {
    proxy: {
      '/config.json': notify,
      '/api': notify,
      '/ws': { target: notify, ws: true },
    },
  },
});
