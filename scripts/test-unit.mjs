#!/usr/bin/env node
// Runs the unit and API tests on PGlite, then the API tests again on PostgreSQL when DATABASE_URL is set.
import { spawnSync } from 'node:child_process';

const run = (args, env = {}) => {
  const r = spawnSync('npx', ['vitest', 'run', ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

console.log(`Node ${process.version} (tests run on the same: node_modules/.bin comes first on PATH)`);
const url = process.env.DATABASE_URL;
run([], { TEST_DB: 'pglite', DATABASE_URL: '' });
if (url) {
  console.log(`\nAPI tests on PostgreSQL (${url.replace(/\/\/[^@]*@/, '//')})`);
  run(['--project', 'server'], { TEST_DB: 'postgres' });
} else {
  console.log('\nDATABASE_URL not set: PostgreSQL run skipped (.ci/run sets it).');
}
