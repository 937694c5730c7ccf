import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/client';
import { seedDemoCity } from '../src/seed/demo-city';

export const SNAPSHOT = path.resolve(import.meta.dirname, '../.tmp/demo-city.tar.gz');

/**
 * Seeds the demo city once per run: a PGlite snapshot that every test file loads, and, when
 * DATABASE_URL is set, a PostgreSQL template database that test files clone.
 */
export default async function setup(project: TestProject) {
  mkdirSync(path.dirname(SNAPSHOT), { recursive: true });
  const database = await openDatabase({ dataDir: 'memory://' });
  await seedDemoCity(database.db);
  const dump = await dumpOf(database);
  writeFileSync(SNAPSHOT, Buffer.from(await dump.arrayBuffer()));
  await database.close();

  let template: string | undefined;
  const url = process.env.DATABASE_URL;
  if (url) {
    template = `pc_tpl_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
    await admin.end();
    const tplUrl = withDatabase(url, template);
    const pgDb = await openDatabase({ databaseUrl: tplUrl });
    await seedDemoCity(pgDb.db);
    await pgDb.close();
  }
  project.provide('pgTemplate', template ?? '');
  return async () => {
    if (url && template) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`drop database if exists ${template} with (force)`);
      await admin.end();
    }
  };
}

async function dumpOf(database: Awaited<ReturnType<typeof openDatabase>>) {
  if (!database.dump) throw new Error('PGlite database expected');
  return database.dump();
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
