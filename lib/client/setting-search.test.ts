import { describe, expect, it } from 'vitest';
import { searchSettings, type SettingEntry } from './setting-search';

const entry = (key: string, label: string, description = ''): SettingEntry => ({ key, label, description, category: key.split('.')[0], categoryLabel: '' });
const entries = [
  entry('auth.maxLoginAttempts', 'Maximum Login Attempts', 'Failed logins before lockout.'),
  entry('auth.lockoutDurationMinutes', 'Lockout Duration (minutes)', 'Minutes an account stays locked.'),
  entry('catering.bufferPercentage', 'Catering Buffer %', 'Extra meals on top of the headcount.'),
];
const keys = (q: string) => searchSettings(entries, q).map((e) => e.key);

describe('searchSettings', () => {
  it('finds settings by label, key or description, label and key matches first', () => {
    expect(keys('lockout')).toEqual(['auth.lockoutDurationMinutes', 'auth.maxLoginAttempts']);
    expect(keys('catering.buffer')).toEqual(['catering.bufferPercentage']);
    expect(keys('headcount')).toEqual(['catering.bufferPercentage']);
  });

  it('needs every word, in any order and case', () => {
    expect(keys('ATTEMPTS login')).toEqual(['auth.maxLoginAttempts']);
    expect(keys('login meals')).toEqual([]);
  });

  it('lists everything, up to the limit, for an empty query', () => {
    expect(keys('  ')).toHaveLength(3);
    expect(searchSettings(entries, '', 2)).toHaveLength(2);
  });
});
