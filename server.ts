/**
 * The production server (`npm start`): one Node process serving the web app through Next.js and the API
 * (`/api/v1`, `/api/health`, `/ofrep`) straight through the router. Next's request pipeline costs several
 * times more CPU per request than the router itself; hot API reads would otherwise spend most of their
 * time in it. The same router also sits behind app/api/v1/[...path]/route.ts for `next dev`.
 */
import http from 'node:http';
import next from 'next';
import { sendWebResponse, toWebRequest } from '@/lib/api/node';
import { router } from '@/lib/api/routes';
import { readEnv } from '@/lib/env';
import { closeApp } from '@/lib/services/kernel/app';

const API_PREFIXES = ['/api/v1/', '/api/health', '/ofrep/'];
const isApi = (url: string) => API_PREFIXES.some((p) => url.startsWith(p));

const env = readEnv();
const hostname = process.env.HOST || '0.0.0.0';
const web = next({ dev: false, dir: process.cwd(), hostname, port: env.port });
await web.prepare();
const handleWeb = web.getRequestHandler();

const server = http.createServer((req, res) => {
  if (!isApi(req.url ?? '/')) return void handleWeb(req, res);
  toWebRequest(req)
    .then((request) => router.handle(request))
    .then((response) => sendWebResponse(res, response))
    .catch((err) => {
      console.error('[switchboard] request failed', err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'Internal error' } }));
    });
});
server.keepAliveTimeout = 65_000;
server.listen(env.port, hostname, () => {
  console.log(`[switchboard] listening on http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${env.port}`);
});

// Close the database on the way out: the embedded one must flush to disk.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    closeApp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}
