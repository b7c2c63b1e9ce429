import { expect, it } from 'vitest';
import { queryString } from './query-string';

it('builds query strings without empty values', () => {
  expect(queryString({ key: 'a.b', actor: '', page: 2, scope: undefined })).toBe('?key=a.b&page=2');
  expect(queryString({})).toBe('');
});
