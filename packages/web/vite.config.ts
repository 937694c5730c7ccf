import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Writes `.br` and `.gz` beside every text asset of the build; the server sends them to browsers that
 * accept them (@fastify/static `preCompressed`). A phone on a slow network gets the portal's first view in
 * a third of the bytes, with no compression work per request.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir.startsWith('/')
        ? config.build.outDir
        : join(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
        );
      for (const file of walk(outDir)) {
        if (!/\.(js|css|html|svg|json)$/.test(file)) continue;
        const body = readFileSync(file);
        if (body.length < 1024) continue;
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
        writeFileSync(
          `${file}.br`,
          // Quality 9: within 8% of the best (11) in a seventh of the time, which counts at first start.
          brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }),
        );
      }
    },
  };
}

const root = new URL('.', import.meta.url).pathname;

// Three entries: the light public portal (index.html), the officials' console (console.html) and
// the public survey page (survey.html, served at /s/*), which stays light for weak phone connections.
export default defineConfig({
  root,
  base: '/',
  plugins: [
    react(),
    precompress(),
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
    // The gzip sizes of the report cost time at every start; the build writes real .gz files anyway.
    reportCompressedSize: false,
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
