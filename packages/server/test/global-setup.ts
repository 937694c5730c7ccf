import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/client';
import { seedDemoCity } from '../src/seed/demo-city';

export const SNAPSHOT = path.resolve(import.meta.dirname, '../.tmp/demo-city.tar.gz');

/**
 * Seeds the demo city once per run: a PGlite snapshot that every test file loads, or with
 * TEST_DB=postgres a PostgreSQL template database that test files clone.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (process.env.TEST_DB !== 'postgres') {
    mkdirSync(path.dirname(SNAPSHOT), { recursive: true });
    const database = await openDatabase({ dataDir: 'memory://' });
    await seedDemoCity(database.db);
    const dump = await database.dump!();
    writeFileSync(SNAPSHOT, Buffer.from(await dump.arrayBuffer()));
    await database.close();
    project.provide('pgTemplate', '');
    return;
  }
  if (!url) throw new Error('TEST_DB=postgres needs DATABASE_URL');
  const template = `pc_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists ${template}`);
  await admin.query(`create database ${template}`);
  await admin.end();
  const pgDb = await openDatabase({ databaseUrl: withDatabase(url, template) });
  await seedDemoCity(pgDb.db);
  await pgDb.close();
  project.provide('pgTemplate', template);
  return async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`drop database if exists ${template} with (force)`);
    await c.end();
  };
}

export function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
  }
}
