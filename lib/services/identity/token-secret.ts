import 'server-only';
import { createHash, randomBytes } from 'node:crypto';

/** Every API token starts with this, so a leaked one is recognisable (and secret scanners can match it). */
export const TOKEN_PREFIX = 'sb_';

/** Only this hash of a token is stored; the plain token is shown once. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new plain token. */
export const newTokenSecret = () => TOKEN_PREFIX + randomBytes(32).toString('base64url');
