#!/usr/bin/env node
// Development: runs the TypeScript CLI through tsx (a devDependency), so no build step is needed.
// Production (`npm ci --omit=dev`, no tsx): runs the compiled server, packages/server/dist/cli.js
// (`npm run build`).
const tsx = await import('tsx/esm/api').catch(() => null);
if (tsx) {
  tsx.register();
  await import('../src/cli.ts');
} else {
  await import('../dist/cli.js');
}
