import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { router } from '@/lib/api/routes';
import { closeApp } from '@/lib/services/kernel/app';

const KEY = 'ab'.repeat(32);

/** Runs a start-up entry point with exactly this environment; resolves with its exit code and stderr. */
function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', TSX_TSCONFIG_PATH: 'tsconfig.server.json', PORT: '4349', ...env },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after 40 s (it should have refused to start); stderr: ${stderr}`));
    }, 40_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const server = (env: Record<string, string>) => run(['--import', 'tsx', 'server.ts'], env);

describe('configuration errors stop start-up with the reason', () => {
  // (every rule of lib/env.ts is unit-tested in lib/env.test.ts; these prove the process stops on them)
  it.each([
    [{ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' }, /ENCRYPTION_KEY \(or ENCRYPTION_KEYS\) is required when DATABASE_URL is set/],
    [{ TRUSTED_PROXIES: '10.0.0.0/8,proxy.internal' }, /TRUSTED_PROXIES: "proxy.internal" is not an IP address/],
  ])('server.ts with %j exits 78 and says why on stderr', async (env, message) => {
    const { code, stderr } = await server(env);
    expect(code, stderr).toBe(78);
    expect(stderr).toMatch(/^\[switchboard\] configuration error: /m);
    expect(stderr).toMatch(message);
  });

  it('npm start (scripts/start.mjs) refuses before it would build or serve', async () => {
    const { code, stderr } = await run(['scripts/start.mjs'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' });
    expect(code, stderr).toBe(78);
    expect(stderr).toMatch(/ENCRYPTION_KEY \(or ENCRYPTION_KEYS\) is required/);
  });
});

describe('storage down at start', () => {
  const saved = { ...process.env };
  afterAll(async () => {
    process.env = saved;
    await closeApp();
  });

  it('health says db down with the reason class, and the log says it once', async () => {
    // a port that refuses connections: nothing listens there
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    process.env.DATABASE_URL = `postgres://postgres@127.0.0.1:${port}/test`;
    process.env.ENCRYPTION_KEY = KEY;
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      for (let i = 0; i < 3; i++) {
        const res = await router.handle(new Request('http://localhost/api/health'));
        expect(res.status).toBe(503);
        expect(await res.json()).toEqual({ status: 'degraded', db: 'down', reason: 'unreachable' });
      }
      const logged = errors.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('storage is unavailable'));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/storage is unavailable \(unreachable\): .*ECONNREFUSED/);
      // every other API call says 503 UNAVAILABLE rather than hanging or 500
      const other = await router.handle(new Request('http://localhost/api/v1/settings'));
      expect(other.status).toBe(503);
      expect((await other.json()).error.code).toBe('UNAVAILABLE');
    } finally {
      errors.mockRestore();
    }
  });
});
