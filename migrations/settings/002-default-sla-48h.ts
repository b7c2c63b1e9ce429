import type { SettingsMigration } from '@/lib/schemas/migrations';

/**
 * Accreditation catalog (seed 003 §5.4.1): after the Q4 review, approvals get 48 hours instead of 24, and
 * the SLA warning fires at 80 % of it (38.4 h) instead of 75 %. Tenants and events that set their own SLA
 * keep it: only the global value changes.
 */
const migration: SettingsMigration = {
  version: '002',
  name: 'default-sla-48h',
  description: 'Raise the default approval SLA from 24 to 48 hours and warn at 80 % of it',

  async up(ctx) {
    await ctx.setSetting('workflow.defaultSlaHours', 48, { scope: 'global' });
    await ctx.setSetting('workflow.slaWarningThresholdPercent', 80, { scope: 'global' });
  },

  async down(ctx) {
    await ctx.setSetting('workflow.defaultSlaHours', 24, { scope: 'global' });
    await ctx.setSetting('workflow.slaWarningThresholdPercent', 75, { scope: 'global' });
  },
};

export default migration;
