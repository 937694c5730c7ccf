import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/client';
import { seedDemoCity } from '../src/seed/demo-city';
import { compileServer, type CompiledServer } from './compile-server';

export const SNAPSHOT = path.resolve(import.meta.dirname, '../.tmp/demo-city.tar.gz');
/** An empty install: migrations applied, nothing else (what a real office starts from). */
export const EMPTY_SNAPSHOT = path.resolve(import.meta.dirname, '../.tmp/empty.tar.gz');

/**
 * Prepares two databases once per run, an empty install (migrations only) and the seeded demo city:
 * PGlite snapshots that test files load, or with TEST_DB=postgres PostgreSQL template databases that
 * test files clone. Also compiles the server once for the tests that start processes (compile-server.ts).
 */
export default async function setup(project: TestProject) {
  const compiled = await compileServer();
  project.provide('compiledServer', { cli: compiled.cli, killChild: compiled.killChild });
  const url = process.env.DATABASE_URL;
  if (process.env.TEST_DB !== 'postgres') {
    mkdirSync(path.dirname(SNAPSHOT), { recursive: true });
    const empty = await openDatabase({ dataDir: 'memory://' });
    writeFileSync(EMPTY_SNAPSHOT, Buffer.from(await (await empty.dump!()).arrayBuffer()));
    await empty.close();
    const database = await openDatabase({ dataDir: 'memory://' });
    await seedDemoCity(database.db);
    const dump = await database.dump!();
    writeFileSync(SNAPSHOT, Buffer.from(await dump.arrayBuffer()));
    await database.close();
    project.provide('pgTemplate', '');
    project.provide('pgEmptyTemplate', '');
    return compiled.remove;
  }
  if (!url) throw new Error('TEST_DB=postgres needs DATABASE_URL');
  const template = `pc_tpl_${process.pid}`;
  const emptyTemplate = `pc_tpl_empty_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  for (const name of [template, emptyTemplate]) {
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
  }
  await admin.end();
  const emptyDb = await openDatabase({ databaseUrl: withDatabase(url, emptyTemplate) });
  await emptyDb.close();
  const pgDb = await openDatabase({ databaseUrl: withDatabase(url, template) });
  await seedDemoCity(pgDb.db);
  await pgDb.close();
  project.provide('pgTemplate', template);
  project.provide('pgEmptyTemplate', emptyTemplate);
  return async () => {
    compiled.remove();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    for (const name of [template, emptyTemplate])
      await c.query(`drop database if exists ${name} with (force)`);
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
    pgEmptyTemplate: string;
    compiledServer: CompiledServer;
  }
}
