import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { buildTestApp, type TestApp } from '../../test/helper';
import { isPortalPath, PORTAL_PATTERNS, PORTAL_PREFIXES } from './portal-paths';

const WEB = path.resolve(import.meta.dirname, '../../../web/src/portal');

describe('the portal paths the server knows', () => {
  it('are the patterns of the portal router', () => {
    const app = readFileSync(path.join(WEB, 'App.tsx'), 'utf8');
    // The participation pages have their own router; an unknown address under /take-part is a 404 there too.
    const sub = readFileSync(path.join(WEB, 'participate/ParticipatePage.tsx'), 'utf8');
    const routed = [
      ...[...app.matchAll(/match\('([^']+)', path\)/g)].map((m) => m[1]),
      ...[...app.matchAll(/path === '([^']*)'/g)].map((m) => m[1]).filter((p) => p !== ''),
      ...[...sub.matchAll(/match\('([^']+)', path\)/g)].map((m) => m[1]),
    ];
    expect(new Set(routed)).toEqual(new Set(PORTAL_PATTERNS));
    expect(PORTAL_PREFIXES).toEqual([]);
  });

  it('match like the router: parameters take one segment, trailing slashes do not count', () => {
    expect(
      ['/', '/units', '/units/', '/units/u1', '/cycles/c1/regulations', '/take-part/rate/x'].map(
        isPortalPath,
      ),
    ).toEqual([true, true, true, true, true, true]);
    expect(
      ['/nope', '/units/u1/extra', '/cycles', '/cycles/c1/other', '/take-partx', '/take-part/nope'].map(
        isPortalPath,
      ),
    ).toEqual([false, false, false, false, false, false]);
  });
});

describe('serving the web app', () => {
  let t: TestApp;
  let web: FastifyInstance;
  beforeAll(async () => {
    t = await buildTestApp({ city: 'empty' });
    const root = mkdtempSync(path.join(tmpdir(), 'pc-web-'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>portal</title>');
    writeFileSync(path.join(root, 'console.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(root, 'survey.html'), '<!doctype html><title>survey</title>');
    mkdirSync(path.join(root, 'assets'));
    writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    web = await buildApp({ database: t.database, webDist: root });
    await web.ready();
  });
  afterAll(async () => {
    await web?.close();
    await t?.close();
  });

  const get = (url: string) => web.inject({ method: 'GET', url });

  it('answers the portal’s pages, the console, the survey page and assets with 200', async () => {
    for (const url of ['/', '/units', '/units/abc?lang=en', '/cycles/x/regulations', '/take-part/rate/1']) {
      const res = await get(url);
      expect([url, res.statusCode, res.body]).toEqual([url, 200, '<!doctype html><title>portal</title>']);
    }
    expect((await get('/console/anything/at/all')).body).toContain('console');
    expect((await get('/console/anything/at/all')).statusCode).toBe(200);
    expect((await get('/s/token')).body).toContain('survey');
    expect((await get('/assets/app.js')).statusCode).toBe(200);
  });

  it('answers an address the portal has no page for with its 404 page and status 404', async () => {
    for (const url of ['/nope', '/units/abc/extra', '/cycles', '/index', '/admin.php', '/take-part/nope']) {
      const res = await get(url);
      expect([url, res.statusCode]).toEqual([url, 404]);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('portal');
    }
    // The API keeps its JSON 404.
    const api = await get('/api/nope');
    expect(api.statusCode).toBe(404);
    expect(api.json().error).toBe('not_found');
  });
});
