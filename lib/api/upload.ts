import 'server-only';
import { hasForbiddenKey } from '@/lib/engine/document';
import { ServiceError } from '@/lib/services/kernel/errors';
import { readJsonBody } from './http';
import { checkDeclaredLength, type ApiRequest } from './request';

/**
 * A configuration file sent as the JSON body or as a multipart upload (field `file`, plus optional text
 * fields merged into the object: `reason`, `mapScopes` as JSON). The route's `bodyLimit` caps what is read
 * (a declared length over it is refused before reading). Configuration files are UTF-8 JSON, so the
 * multipart body is read as text.
 */
export async function readUpload(req: ApiRequest): Promise<unknown> {
  const type = req.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\b/i.test(type)) return readJsonBody(req);
  checkDeclaredLength(req);
  const text = await req.text();
  let form: FormData;
  try {
    form = await new Response(text, { headers: { 'content-type': type } }).formData();
  } catch {
    throw new ServiceError('INVALID_REQUEST', 'Malformed multipart body');
  }
  const file = form.get('file');
  if (!file || typeof file === 'string') throw new ServiceError('INVALID_REQUEST', 'A multipart upload needs the configuration file in the field "file"', 'file');
  const doc = parseJson(await file.text(), `The file "${file.name}"`, 'file');
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ServiceError('INVALID_REQUEST', `The file "${file.name}" is not an export document (a JSON object)`, 'file');
  const out = doc as Record<string, unknown>;
  const reason = form.get('reason');
  if (typeof reason === 'string' && reason.trim()) out.reason = reason;
  const mapScopes = form.get('mapScopes');
  if (typeof mapScopes === 'string' && mapScopes.trim()) out.mapScopes = parseJson(mapScopes, 'mapScopes', 'mapScopes');
  const bad = hasForbiddenKey(out);
  if (bad !== null) throw new ServiceError('INVALID_REQUEST', `Forbidden key "${bad}" in the file`, bad);
  return out;
}

function parseJson(text: string, what: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ServiceError('INVALID_REQUEST', `${what} is not JSON: ${(e as Error).message}`, field);
  }
}

/**
 * A backup file as sent, unparsed (its SHA-256 is checked against the sender's): the JSON body, or the
 * multipart field `file`. Capped by the route's `bodyLimit` like readUpload.
 */
export async function readUploadText(req: ApiRequest): Promise<string> {
  const type = req.headers.get('content-type') ?? '';
  checkDeclaredLength(req);
  if (!/^multipart\/form-data\b/i.test(type)) {
    if (type && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) throw new ServiceError('INVALID_REQUEST', 'Content-Type must be application/json or multipart/form-data');
    const text = await req.text();
    if (!text.trim()) throw new ServiceError('INVALID_REQUEST', 'Send the backup file as the JSON body or as the multipart field "file"', 'file');
    return text;
  }
  let form: FormData;
  try {
    form = await new Response(await req.text(), { headers: { 'content-type': type } }).formData();
  } catch {
    throw new ServiceError('INVALID_REQUEST', 'Malformed multipart body');
  }
  const file = form.get('file');
  if (!file || typeof file === 'string') throw new ServiceError('INVALID_REQUEST', 'A multipart upload needs the backup file in the field "file"', 'file');
  return file.text();
}
