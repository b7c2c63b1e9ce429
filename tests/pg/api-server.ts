/**
 * One more Switchboard instance for the multi-instance tests: the production server's API path (server.ts
 * minus the Next.js web app, which would need a build) in a process of its own, opened from the environment
 * like `npm start`. Prints `listening <port>` once it serves. Run: node --import tsx tests/pg/api-server.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveApi } from '@/lib/api/node';
import { router } from '@/lib/api/routes';
import { readEnvOrExit } from '@/lib/env';
import { closeApp, getApp } from '@/lib/services/kernel/app';

readEnvOrExit();
await getApp();
const server = http.createServer((req, res) => serveApi(router, req, res));
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void closeApp().finally(() => process.exit(0));
});
