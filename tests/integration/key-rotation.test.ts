import { createCipheriv, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, isNotNull } from 'drizzle-orm';
import { auditLog, settingValues } from '@/lib/db/schema';
import { createApp, type App } from '@/lib/services/kernel/app';
import { keyIdOf } from '@/lib/services/kernel/keyring';
import { rotateSecrets } from '@/lib/services/keys/rotate';
import { createSecretBox } from '@/lib/services/kernel/secrets';
import { checkEncryptionKey } from '@/lib/services/kernel/app';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { expectStatus } from './support';

const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const SECRETS = ['model.providers.anthropic.apiKey', 'model.providers.azure.apiKey', 'model.providers.google.apiKey', 'model.providers.openai.apiKey'];
const CTX = { actor: { id: null, name: 'secrets:rotate', role: 'operator' }, source: 'migration' as const, ip: null };

let s: TestServer;
let token: string;

/** The same database seen by a process started with another key ring. */
const ringApps: App[] = [];
async function withRing(keys: Buffer[]) {
  const app = await createApp(s.app.database, createSecretBox(keys));
  ringApps.push(app);
  return app;
}

const reveal = async (app: App, key: string) => {
  const [row] = await app.db.select().from(settingValues).where(eq(settingValues.key, key));
  return app.secrets.decrypt(row.ciphertext!);
};

beforeAll(async () => {
  s = await startTestServer({ keys: [oldKey] });
  token = await bootstrapped(s, 'ai-platform');
  for (const key of SECRETS) expectStatus(await s.api('PUT', `/api/v1/settings/${key}`, { token, body: { value: `${key}-secret`, scope: 'global', reason: 'init' } }), 200);
  // one value as written before key ids existed
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', oldKey, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify('legacy-secret'), 'utf8'), cipher.final()]);
  const legacy = `v1:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${data.toString('base64url')}`;
  await s.app.db.update(settingValues).set({ ciphertext: legacy, keyVersion: 1 }).where(eq(settingValues.key, SECRETS[0]));
}, 240_000);
afterAll(async () => {
  // the ring apps share the server's database: only the server closes it
  for (const app of ringApps) app.storage.stop();
  await s?.close();
});

describe('secrets:rotate', () => {
  it('re-encrypts every secret value with the first key, resumably, one audited batch at a time', async () => {
    const ring = await withRing([newKey, oldKey]);
    await checkEncryptionKey(ring); // the database's key is in the ring
    // an unreadable value stops the run part-way: batches before it stay committed
    const [broken] = await s.app.db.select().from(settingValues).where(eq(settingValues.key, SECRETS[2]));
    await s.app.db.update(settingValues).set({ ciphertext: `k${keyIdOf(randomBytes(32))}:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:AA` }).where(eq(settingValues.key, SECRETS[2]));
    await expect(rotateSecrets(ring, CTX, { batch: 1 })).rejects.toThrow(/not in ENCRYPTION_KEYS/);
    const midway = await s.app.db.select().from(settingValues).where(isNotNull(settingValues.ciphertext));
    expect(midway.filter((r) => r.ciphertext!.startsWith(`k${keyIdOf(newKey)}:`)).map((r) => r.key)).toEqual(SECRETS.slice(0, 2));

    await s.app.db.update(settingValues).set({ ciphertext: broken.ciphertext }).where(eq(settingValues.key, SECRETS[2]));
    const report = await rotateSecrets(ring, CTX, { batch: 1 });
    expect(report).toMatchObject({ keyId: keyIdOf(newKey), rotated: 2, batches: 2 });
    const rows = await s.app.db.select().from(settingValues).where(isNotNull(settingValues.ciphertext));
    expect(rows).toHaveLength(SECRETS.length);
    for (const r of rows) expect(r.ciphertext!.startsWith(`k${keyIdOf(newKey)}:`), r.key).toBe(true);

    // nothing left: a second run is a no-op
    expect(await rotateSecrets(ring, CTX)).toMatchObject({ rotated: 0, batches: 0 });
    // audit rows keep the old ciphertexts (append-only), counted per key for the operator
    expect(report.auditCiphertexts).toEqual({ [keyIdOf(oldKey)]: SECRETS.length });
    const batches = await s.app.db.select().from(auditLog).where(eq(auditLog.action, 'secrets.rotate')).orderBy(asc(auditLog.id));
    expect(batches).toHaveLength(4);
    expect(batches.map((b) => (b.details as { values: { key: string }[] }).values[0].key)).toEqual(SECRETS);
    expect(JSON.stringify(batches)).not.toMatch(/-secret/);
  });

  it('leaves a database that only the new key reads, and refuses to start without it', async () => {
    const onlyNew = await withRing([newKey]);
    await checkEncryptionKey(onlyNew);
    for (const key of SECRETS) expect(await reveal(onlyNew, key)).toBe(key === SECRETS[0] ? 'legacy-secret' : `${key}-secret`);
    await expect(checkEncryptionKey(await withRing([oldKey]))).rejects.toThrow(new RegExp(`lacks key ${keyIdOf(newKey)}`));
  });
});
