import { describe, expect, it } from 'vitest';
import { apiQuery, readFilters } from './audit-filters';

describe('audit filters', () => {
  it('keep known, non-empty values and real dates only', () => {
    expect(readFilters({ key: ' ui.theme ', category: '', page: '2', from: '2026-02-10', to: 'yesterday', source: ['api', 'manual'] })).toEqual({
      key: 'ui.theme',
      from: '2026-02-10',
      source: 'api',
    });
  });

  it('widen dates to whole UTC days for the API', () => {
    expect(apiQuery({ key: 'a.b', from: '2026-02-10', to: '2026-02-11' })).toEqual({ key: 'a.b', from: '2026-02-10T00:00:00.000Z', to: '2026-02-11T23:59:59.999Z' });
  });
});
