/** The last-known snapshot on disk: written atomically (temp file, rename), read at start-up when the server is down. */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { ZSdkSnapshot, type TSdkSnapshot } from '@/lib/schemas/sdk';

export interface Saved {
  snapshot: TSdkSnapshot;
  savedAt: Date;
}

export async function saveSnapshot(path: string, snapshot: TSdkSnapshot): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ savedAt: new Date().toISOString(), snapshot }));
  await rename(tmp, path);
}

/** The saved snapshot, or undefined when there is none; a damaged file is an error that names it. */
export async function loadSnapshot(path: string): Promise<Saved | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const parsed = JSON.parse(text) as { savedAt?: string; snapshot?: unknown };
  const snapshot = ZSdkSnapshot.safeParse(parsed.snapshot);
  if (!snapshot.success) throw new Error(`${path} does not hold a Switchboard snapshot: ${snapshot.error.issues[0]?.message}`);
  return { snapshot: snapshot.data, savedAt: new Date(parsed.savedAt ?? 0) };
}
