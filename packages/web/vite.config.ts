import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = new URL('.', import.meta.url).pathname;

// Three entries: the light public portal (index.html), the officials' console (console.html) and
// the public survey page (survey.html, served at /s/*), which stays light for weak phone connections.
export default defineConfig({
  root,
  base: '/',
  plugins: [
    react(),
    {
      // Dev only: the server does this fallback in production (/console* -> console.html).
      name: 'console-spa-fallback',
      configureServer(server) {
        server.middlewares.use((req, _res, next) => {
          const url = req.url ?? '';
          if (/^\/console(\/|$)(?!.*\.\w+($|\?))/.test(url)) req.url = '/console.html';
          if (/^\/s(\/|$)(?!.*\.\w+($|\?))/.test(url)) req.url = '/survey.html';
          next();
        });
      },
    },
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        index: root + 'index.html',
        console: root + 'console.html',
        survey: root + 'survey.html',
      },
    },
  },
  server: {
    proxy: { '/api': 'http://localhost:3000' },
  },
});
