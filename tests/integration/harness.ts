import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase, type Database } from '@/lib/db/client';
import { sendWebResponse, toWebRequest } from '@/lib/api/node';
import { router } from '@/lib/api/routes';
import { createApp, type App } from '@/lib/services/kernel/app';
import { createSecretBox } from '@/lib/services/kernel/secrets';

/**
 * A real HTTP server around the real router and services, on a fresh database: PGlite in memory, or a
 * new PostgreSQL database when TEST_DATABASE_URL is set (the CI run against real PostgreSQL).
 */
export interface TestServer {
  url: string;
  app: App;
  api: (method: string, path: string, opts?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> }) => Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export const usingPostgres = () => !!process.env.TEST_DATABASE_URL;

async function freshDatabase(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return { database: await openDatabase({ dataDir: 'memory' }), drop: async () => {} };
  const { default: postgres } = await import('postgres');
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  await admin.unsafe(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = await openDatabase({ url: u.toString() });
  return {
    database,
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export async function startTestServer(): Promise<TestServer> {
  const { database, drop } = await freshDatabase();
  const app = await createApp(database, createSecretBox(randomBytes(32)));
  const server = http.createServer((req, res) => {
    toWebRequest(req)
      .then((request) => router.handle(request, app))
      .then((response) => sendWebResponse(res, response))
      .catch((e) => {
        res.writeHead(500);
        res.end(String(e));
      });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    app,
    async api(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined = opts.raw;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(url + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await app.close();
      await drop();
    },
  };
}

export const ADMIN = { email: 'admin@example.com', name: 'Ada Admin', password: 'correct horse battery' };

/** Bootstraps with the given catalog and returns the admin's token. */
export async function bootstrapped(server: TestServer, catalog?: string): Promise<string> {
  const res = await server.api('POST', '/api/v1/setup/bootstrap', { body: { admin: ADMIN, ...(catalog ? { catalog } : {}) } });
  if (res.status !== 201) throw new Error(`bootstrap failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.apiToken;
}
