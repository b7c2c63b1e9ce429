import type { SettingsMigration } from '@/lib/schemas/migrations';

/**
 * Accreditation catalog: passwords of at least 12 characters platform-wide (NIST SP 800-63B favours
 * length over composition rules), and sessions that end after 14 days instead of 30. A platform that set
 * a stricter minimum already keeps it: up() only ever raises the value.
 */
const migration: SettingsMigration = {
  version: '001',
  name: 'password-min-length-12',
  description: 'Require passwords of at least 12 characters and expire sessions after 14 days',

  async up(ctx) {
    const current = await ctx.getSetting('auth.passwordMinLength', { scope: 'global' });
    if (typeof current !== 'number' || current < 12) await ctx.setSetting('auth.passwordMinLength', 12, { scope: 'global' });
    await ctx.setSetting('auth.sessionExpirationDays', 14, { scope: 'global' });
  },

  async down(ctx) {
    // back to the catalog's defaults (8 characters, 30 days)
    await ctx.deleteSetting('auth.passwordMinLength', { scope: 'global' });
    await ctx.deleteSetting('auth.sessionExpirationDays', { scope: 'global' });
  },
};

export default migration;
