/**
 * Lets the event loop run (I/O, timers, other requests) before long synchronous work goes on: bulk work
 * (a 100,000-entry restore's audit hashing, a million-value backup's serialisation) yields between slices
 * so that no request waits behind it for more than one slice.
 */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
