import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = new URL('.', import.meta.url).pathname;

// Two entries: the light public portal (index.html) and the officials' console (console.html).
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
      },
    },
  },
  server: {
    proxy: { '/api': 'http://localhost:3000' },
  },
});
