import 'server-only';
import { createHash } from 'node:crypto';
import { ZChange, type TChange } from '@/lib/schemas/export-import';
import { canonicalWriter } from '../audit/chain';

/** A diff item's canonicalJson, written field by field (every field ZChange has). */
const changeJson = canonicalWriter<TChange>(Object.fromEntries(Object.keys(ZChange.shape).map((k) => [k, (c: TChange) => c[k as keyof TChange]])));

/**
 * The ETag of a diff (a confirm applies only a diff that hashes the same): canonicalJson(changes)'s digest,
 * fed to the hash in pieces of ~64 KB rather than item by item (100,000 items: ~0.3 s → ~0.2 s).
 */
export function diffEtag(changes: TChange[]): string {
  const hash = createHash('sha256');
  let piece = '[';
  for (let i = 0; i < changes.length; i++) {
    piece += (i ? ',' : '') + changeJson(changes[i]);
    if (piece.length > 65_536) {
      hash.update(piece);
      piece = '';
    }
  }
  return `"${hash.update(piece + ']').digest('hex').slice(0, 32)}"`;
}
