/**
 * The production server (`npm start`): one Node process serving the web app through Next.js and the API
 * (`/api/v1`, `/api/health`, `/ofrep`) straight through the router on Node's own request and response
 * (lib/api/node.ts: no Fetch objects, one buffered write with Content-Length). Next's request pipeline
 * costs several times more CPU per request than the router itself; hot API reads would otherwise spend
 * most of their time in it. The same router also sits behind app/api/v1/[...path]/route.ts for `next dev`.
 */
import http from 'node:http';
import next from 'next';
import { serveApi } from '@/lib/api/node';
import { router } from '@/lib/api/routes';
import { readEnvOrExit } from '@/lib/env';
import { httpSecurity } from '@/lib/security/server';
import { openAppAtStart } from '@/lib/services/kernel/startup';
import { closeApp, getApp } from '@/lib/services/kernel/app';
import { startBackupScheduler } from '@/lib/services/backups/schedule';
import { startDriftSchedule } from '@/lib/services/drift/schedule';

const API_PREFIXES = ['/api/v1/', '/api/health', '/ofrep/'];
const isApi = (url: string) => API_PREFIXES.some((p) => url.startsWith(p));

// a configuration error stops here, with the reason on stderr (lib/env.ts)
const env = readEnvOrExit();
const secure = httpSecurity(env.publicUrl);
const hostname = process.env.HOST || '0.0.0.0';
const web = next({ dev: false, dir: process.cwd(), hostname, port: env.port });
await web.prepare();
const handleWeb = web.getRequestHandler();

const server = http.createServer((req, res) => {
  secure(req, res);
  if (!isApi(req.url ?? '/')) return void handleWeb(req, res);
  serveApi(router, req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(env.port, hostname, () => {
  console.log(`[switchboard] listening on http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${env.port}`);
  // in-process jobs start once storage answers: automated backups (backup.schedule) and the daily drift check;
  // every instance ticks, an advisory lock lets one of them work
  void openAppAtStart().then(async () => {
    const app = await getApp();
    startBackupScheduler(app);
    startDriftSchedule(app);
  });
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
