/**
 * Load generation with autocannon, in this (the bench) process — a second process from the server.
 * autocannon's own latency histogram has 1 ms resolution, so latencies are recorded here from its
 * `response` events (hrtime-based, fractional ms) and percentiles are computed exactly.
 */
import http from 'node:http';
import autocannon from 'autocannon';

export interface NextRequest {
  path: string;
  body?: string;
}

export interface LoadSpec {
  baseUrl: string;
  token: string;
  /** The Authorization header; `Bearer <token>` when absent. */
  authorization?: string;
  method: 'GET' | 'PUT' | 'POST';
  /** Called for every request: what to send next. */
  next: () => NextRequest;
  durationS: number;
  warmupS: number;
  connections: number;
}

export interface LoadResult {
  requests: number;
  durationS: number;
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  mean: number;
  max: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

interface RawRun {
  latencies: number[];
  statusCodes: Record<string, number>;
  errors: number;
  durationS: number;
}

function runOnce(spec: LoadSpec, durationS: number): Promise<RawRun> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.baseUrl,
        connections: spec.connections,
        pipelining: 1,
        duration: durationS,
        timeout: 10,
        headers: { authorization: spec.authorization ?? `Bearer ${spec.token}`, ...(spec.method === 'GET' ? {} : { 'content-type': 'application/json' }) },
        requests: [{ method: spec.method, setupRequest: (req) => ({ ...req, ...spec.next() }) }],
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({ latencies, statusCodes, errors: result.errors + result.timeouts, durationS: (result.finish.getTime() - result.start.getTime()) / 1000 });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    });
  });
}

const percentile = (sorted: Float64Array, p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);

/** A warm-up run (discarded), then the measured run. */
export async function measure(spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmupS > 0) await runOnce(spec, spec.warmupS);
  return summarize(await runOnce(spec, spec.durationS));
}

function summarize(run: RawRun): LoadResult {
  const sorted = Float64Array.from(run.latencies).sort();
  const non2xx = Object.entries(run.statusCodes).reduce((n, [code, c]) => (code.startsWith('2') ? n : n + c), 0);
  return {
    requests: sorted.length,
    durationS: run.durationS,
    rps: sorted.length / run.durationS,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    errors: run.errors,
    non2xx,
    statusCodes: run.statusCodes,
  };
}

/**
 * An open-loop run at a fixed offered rate (wrk2-style): request i is due at start + i/rate, whether or not
 * earlier ones have been answered, over at most `connections` keep-alive connections (a request waits for a
 * free one). Its latency counts from when it was due, so a server that falls behind shows it in full (no
 * coordinated omission). autocannon's own rate limit sends each second's quota in a burst, which measures
 * saturation again; this spreads requests evenly.
 */
async function runAtRate(spec: LoadSpec, rate: number, durationS: number): Promise<RawRun> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const url = new URL(spec.baseUrl);
  const headers: Record<string, string> = { authorization: spec.authorization ?? `Bearer ${spec.token}` };
  if (spec.method !== 'GET') headers['content-type'] = 'application/json';
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let sent = 0;
  let inFlight = 0;
  const total = Math.round(rate * durationS);
  const start = performance.now();
  const interval = 1000 / rate;
  await new Promise<void>((resolve) => {
    const finish = () => {
      if (sent === total && inFlight === 0) resolve();
    };
    const send = (due: number) => {
      const next = spec.next();
      inFlight++;
      // settled once: answered in full, or failed (a refused connection, a timeout, an answer cut short)
      let settled = false;
      const settle = (status?: number) => {
        if (settled) return;
        settled = true;
        if (status === undefined) errors++;
        else {
          latencies.push(performance.now() - due);
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
        }
        inFlight--;
        finish();
      };
      const req = http.request(
        { host: url.hostname, port: url.port, path: next.path, method: spec.method, agent, headers: next.body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(next.body)) } },
        (res) => {
          res.resume();
          res.on('end', () => settle(res.statusCode!));
          res.on('close', () => settle());
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', () => settle());
      req.end(next.body);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) send(start + sent++ * interval);
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
      else finish();
    };
    tick();
  });
  agent.destroy();
  return { latencies, statusCodes, errors, durationS: (performance.now() - start) / 1000 };
}

/** A warm-up and a measured run at a fixed offered rate (runAtRate). */
export async function measureAtRate(spec: LoadSpec, rate: number): Promise<LoadResult> {
  if (spec.warmupS > 0) await runAtRate(spec, rate, spec.warmupS);
  return summarize(await runAtRate(spec, rate, spec.durationS));
}
