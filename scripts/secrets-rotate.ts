// `npm run secrets:rotate`: re-encrypts every secret value with the first key of ENCRYPTION_KEYS (README "Security").
import { readEnvOrExit } from '@/lib/env';
import { rotateSecrets } from '@/lib/services/keys/rotate';
import { openApp } from './open-app';

readEnvOrExit();
const app = await openApp();
try {
  const report = await rotateSecrets(app, { actor: { id: null, name: 'secrets:rotate', role: 'operator' }, source: 'migration', ip: null }, {
    onBatch: (n) => console.log(`[switchboard] re-encrypted ${n} secret value(s)`),
  });
  console.log(`[switchboard] ${report.rotated} secret value(s) now under key ${report.keyId} (${report.batches} audited batch(es)).`);
  const old = Object.entries(report.auditCiphertexts).filter(([k]) => k !== report.keyId);
  if (old.length) {
    console.log(
      `[switchboard] the audit log keeps ${old.map(([k, n]) => `${n} ciphertext(s) under ${k === 'untagged' ? 'the pre-rotation format' : `key ${k}`}`).join(', ')} ` +
        'for rollback: keep those keys at the end of ENCRYPTION_KEYS while you may want to roll back to them.',
    );
  }
} catch (e) {
  console.error(`[switchboard] rotation stopped: ${(e as Error).message}. Fix it and run again: it resumes where it stopped.`);
  process.exitCode = 1;
} finally {
  await app.close();
}
