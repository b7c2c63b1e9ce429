import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '@/lib/services/kernel/errors';
import { readLimited } from './node';

/** A stream of 16 KiB chunks that never ends, counting what was taken from it. */
function endless() {
  const chunk = Buffer.alloc(16 * 1024, 0x61);
  const stream = new Readable({
    highWaterMark: 16 * 1024,
    read() {
      stream.produced += chunk.length;
      this.push(chunk);
    },
  }) as Readable & { produced: number };
  stream.produced = 0;
  return { stream, chunk: chunk.length };
}

describe('readLimited', () => {
  it('stops reading once the body passes the limit, refusing it with PAYLOAD_TOO_LARGE', async () => {
    const { stream, chunk } = endless();
    const limit = 256 * 1024;
    const err = await readLimited(stream, limit).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).code).toBe('PAYLOAD_TOO_LARGE');
    const produced = stream.produced;
    await new Promise((r) => setTimeout(r, 50));
    // paused at the chunk that crossed the limit (plus the stream's one-chunk read-ahead), never drained
    expect(stream.produced).toBe(produced);
    expect(produced).toBeLessThanOrEqual(limit + 2 * chunk);
    expect(stream.isPaused()).toBe(true);
  });

  it('answers the whole body when it ends within the limit, up to exactly the limit', async () => {
    const body = Buffer.alloc(100, 0x62);
    expect((await readLimited(Readable.from([body.subarray(0, 60), body.subarray(60)]), 100)).equals(body)).toBe(true);
    await expect(readLimited(Readable.from([body, Buffer.from('c')]), 100)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });
});
