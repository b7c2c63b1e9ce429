import { afterEach, describe, expect, it, vi } from 'vitest';
import { CSRF_HEADER } from '@/lib/auth/headers';
import { api, ApiError } from './api';
import { signInAgain } from './navigate';

vi.mock('./navigate', () => ({ signInAgain: vi.fn() }));

const respond = (status: number, body: unknown) => vi.fn(async () => new Response(body === undefined ? null : JSON.stringify(body), { status }));

afterEach(() => vi.unstubAllGlobals());

describe('api (the web app fetch wrapper)', () => {
  it('sends JSON with the CSRF header to /api/v1, leaving out undefined params', async () => {
    const fetch = respond(200, { ok: 1 });
    vi.stubGlobal('fetch', fetch);
    expect(await api.put('/users/me/preferences/ui.theme', { value: 'dark' }, { params: { scope: 'global', at: undefined } })).toEqual({ ok: 1 });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/users/me/preferences/ui.theme?scope=global');
    expect(init).toMatchObject({ method: 'PUT', body: '{"value":"dark"}', credentials: 'same-origin' });
    expect(init.headers).toMatchObject({ [CSRF_HEADER]: '1', 'content-type': 'application/json' });
  });

  it('sends a FormData body (a file upload) as it is, letting fetch set the multipart type', async () => {
    const fetch = respond(200, { preview: true });
    vi.stubGlobal('fetch', fetch);
    const form = new FormData();
    form.set('file', new Blob(['{"version":"1.0"}'], { type: 'application/json' }), 'export.json');
    await api.post('/settings/import', form, { params: { preview: true }, headers: { 'if-match': '"x"' } });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/settings/import?preview=true');
    expect(init.body).toBe(form);
    expect(init.headers).not.toHaveProperty('content-type');
    expect(init.headers).toMatchObject({ [CSRF_HEADER]: '1', 'if-match': '"x"' });
  });

  it('throws the API error as an ApiError with code, field and status', async () => {
    vi.stubGlobal('fetch', respond(400, { error: { code: 'INVALID_SETTING_VALUE', message: 'must be at most 100', field: 'auth.maxLoginAttempts' } }));
    const err = await api.put('/settings/auth.maxLoginAttempts', { value: 1000 }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'INVALID_SETTING_VALUE', field: 'auth.maxLoginAttempts', message: 'must be at most 100' });
  });

  it('reports an unreachable server as NETWORK, and empty answers as null', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('fetch failed'))));
    await expect(api.get('/stats')).rejects.toMatchObject({ code: 'NETWORK', status: 0 });
    vi.stubGlobal('fetch', respond(204, undefined));
    expect(await api.delete('/tokens/tok_1')).toBeNull();
  });

  it('sends an ended session to sign in, but not a wrong password typed into a form', async () => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('fetch', respond(401, { error: { code: 'UNAUTHENTICATED', message: 'Password is not correct', field: 'password' } }));
    await expect(api.post('/settings/sms.apiKey/reveal', { password: 'nope' })).rejects.toMatchObject({ status: 401, field: 'password' });
    expect(signInAgain).not.toHaveBeenCalled();
    vi.stubGlobal('fetch', respond(401, { error: { code: 'UNAUTHENTICATED', message: 'Sign in first' } }));
    await expect(api.get('/me')).rejects.toMatchObject({ status: 401 });
    expect(signInAgain).toHaveBeenCalledOnce();
  });
});
