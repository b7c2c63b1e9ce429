import { randomBytes } from 'node:crypto';

/** Short, URL-safe, sortable-enough ids like `usr_k3j9x0q2m1ab`. Lower-case so they also fit scope id rules. */
export function newId(prefix: string): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  const bytes = randomBytes(12);
  let out = '';
  for (const b of bytes) out += alphabet[b % 36];
  return `${prefix}_${out}`;
}
