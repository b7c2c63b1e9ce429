import type { Catalog } from '@/lib/schemas/definition';

/**
 * Seed 004 §6.4 — GroundUp's core seeded settings.
 *
 * Key mapping. GroundUp keys are `{source}_{category}_{group}_{setting}` in snake case; Switchboard
 * keys must be dotted. The `groundup_` source prefix is dropped (this whole catalog is GroundUp's)
 * and every remaining `_` becomes a `.`:
 *
 *   groundup_core_application_mode                          → core.application.mode
 *   groundup_core_application_name                          → core.application.name
 *   groundup_authentication_provider_type                   → authentication.provider.type
 *   groundup_authentication_provider_keycloak_url           → authentication.provider.keycloak.url
 *   groundup_authentication_provider_keycloak_realm         → authentication.provider.keycloak.realm
 *   groundup_authentication_provider_keycloak_clientid      → authentication.provider.keycloak.clientid
 *   groundup_authentication_provider_keycloak_clientsecret  → authentication.provider.keycloak.clientsecret
 *   groundup_logging_provider_type                          → logging.provider.type
 *   groundup_logging_provider_level                         → logging.provider.level
 *   groundup_logging_provider_file_path                     → logging.provider.file.path
 *   groundup_cache_enabled                                  → cache.enabled
 *   groundup_cache_provider                                 → cache.provider
 *   groundup_cache_redis_connectionstring                   → cache.redis.connectionstring
 *   groundup_secrets_provider_type                          → secrets.provider.type
 *   groundup_secrets_provider_azure_vaulturl                → secrets.provider.azure.vaulturl
 *   groundup_secrets_provider_aws_region                    → secrets.provider.aws.region
 *
 * Categories `groundup_<x>` → category key `<x>`; groups `groundup_<x>_<y>` → the group's display
 * name (the Catalog format has no separate group registry). Seed data types: Enum → enum (with
 * options), String → string, Url → url, Boolean → boolean, SecretString → secret; "Secret" on a
 * String/Url means isSecret: true on that type. "Conditional" settings get `ui.showWhen` on the
 * provider that selects them. Text and secret settings not yet configured default to '' (empty =
 * not set); the Azure vault URL, a non-secret url, defaults to a placeholder https URL instead.
 *
 * Levels: GroundUp's pre-seeded System → Tenant → User maps to global → tenant (→ user); these
 * infrastructure settings are global + tenant, except the application mode, which is a property of
 * the whole installation and therefore global only.
 */
export const groundupCatalog: Catalog = {
  name: 'groundup',
  title: 'GroundUp',
  description:
    'GroundUp settings infrastructure (seed 004): core application mode, authentication provider (Keycloak, Auth0, Forms), logging, cache and secrets provider, with conditional fields and encrypted secrets.',
  categories: [
    { key: 'core', label: 'Core', description: 'Application mode and name.' },
    { key: 'authentication', label: 'Authentication', description: 'Configure authentication providers.', security: true },
    { key: 'logging', label: 'Logging', description: 'Where logs go and how much is logged.' },
    { key: 'cache', label: 'Cache', description: 'Caching provider and connection.' },
    { key: 'secrets', label: 'Secrets', description: 'Where encrypted secrets are kept.', security: true },
  ],
  definitions: [
    // ───────────────────────── groundup_core / groundup_core_application ─────────────────────────
    {
      key: 'core.application.mode',
      label: 'Application Mode',
      description: 'Whether the installation serves many tenants or a single one.',
      category: 'core',
      group: 'Application',
      type: 'enum',
      defaultValue: 'MultiTenant',
      validation: { enum: ['MultiTenant', 'SingleTenant'] },
      ui: {
        control: 'select',
        options: [
          { value: 'MultiTenant', label: 'Multi-tenant' },
          { value: 'SingleTenant', label: 'Single tenant' },
        ],
      },
      allowedLevels: ['global'],
      source: 'seed',
    },
    {
      key: 'core.application.name',
      label: 'Application Name',
      description: 'Name of the application shown to users.',
      category: 'core',
      group: 'Application',
      type: 'string',
      defaultValue: 'GroundUp',
      validation: { minLength: 1, maxLength: 100 },
      ui: { control: 'text' },
      allowedLevels: ['global', 'tenant'],
      source: 'seed',
    },

    // ───────────────────────── groundup_authentication / groundup_authentication_provider ─────────────────────────
    {
      key: 'authentication.provider.type',
      label: 'Provider Type',
      description: 'Choose your authentication provider.',
      category: 'authentication',
      group: 'Provider Configuration',
      type: 'enum',
      defaultValue: 'None',
      validation: { enum: ['None', 'Forms', 'Keycloak', 'Auth0'] },
      ui: {
        control: 'select',
        options: [
          { value: 'None', label: 'No Authentication' },
          { value: 'Forms', label: 'Forms' },
          { value: 'Keycloak', label: 'Keycloak' },
          { value: 'Auth0', label: 'Auth0' },
        ],
      },
      allowedLevels: ['global', 'tenant'],
      requiresRestart: true,
      source: 'seed',
    },
    {
      key: 'authentication.provider.keycloak.url',
      label: 'Keycloak URL',
      description: 'Base URL of the Keycloak server.',
      category: 'authentication',
      group: 'Provider Configuration',
      type: 'url',
      defaultValue: '',
      validation: { maxLength: 2048 },
      ui: {
        control: 'text',
        placeholder: 'https://keycloak.example.com',
        showWhen: { settingKey: 'authentication.provider.type', equals: 'Keycloak' },
      },
      allowedLevels: ['global', 'tenant'],
      isSecret: true,
      dependsOn: ['authentication.provider.type'],
      source: 'seed',
    },
    {
      key: 'authentication.provider.keycloak.realm',
      label: 'Realm Name',
      description: 'Keycloak realm users authenticate against.',
      category: 'authentication',
      group: 'Provider Configuration',
      type: 'string',
      defaultValue: '',
      validation: { maxLength: 255 },
      ui: {
        control: 'text',
        showWhen: { settingKey: 'authentication.provider.type', equals: 'Keycloak' },
      },
      allowedLevels: ['global', 'tenant'],
      dependsOn: ['authentication.provider.type'],
      source: 'seed',
    },
    {
      key: 'authentication.provider.keycloak.clientid',
      label: 'Client ID',
      description: 'Client ID of this application in Keycloak.',
      category: 'authentication',
      group: 'Provider Configuration',
      type: 'string',
      defaultValue: '',
      validation: { maxLength: 255 },
      ui: {
        control: 'text',
        showWhen: { settingKey: 'authentication.provider.type', equals: 'Keycloak' },
      },
      allowedLevels: ['global', 'tenant'],
      dependsOn: ['authentication.provider.type'],
      source: 'seed',
    },
    {
      key: 'authentication.provider.keycloak.clientsecret',
      label: 'Client Secret',
      description: 'Client secret of this application in Keycloak.',
      category: 'authentication',
      group: 'Provider Configuration',
      type: 'secret',
      defaultValue: '',
      ui: {
        control: 'password',
        showWhen: { settingKey: 'authentication.provider.type', equals: 'Keycloak' },
      },
      allowedLevels: ['global', 'tenant'],
      isSecret: true,
      dependsOn: ['authentication.provider.type'],
      source: 'seed',
    },

    // ───────────────────────── groundup_logging / groundup_logging_provider ─────────────────────────
    {
      key: 'logging.provider.type',
      label: 'Logging Provider',
      description: 'Where log entries are written.',
      category: 'logging',
      group: 'Logging Provider',
      type: 'enum',
      defaultValue: 'Console',
      validation: { enum: ['Console', 'File', 'AWS', 'Azure'] },
      ui: {
        control: 'select',
        options: [
          { value: 'Console', label: 'Console' },
          { value: 'File', label: 'File' },
          { value: 'AWS', label: 'AWS CloudWatch' },
          { value: 'Azure', label: 'Azure Monitor' },
        ],
      },
      allowedLevels: ['global', 'tenant'],
      source: 'seed',
    },
    {
      key: 'logging.provider.level',
      label: 'Log Level',
      description: 'Minimum severity that is logged.',
      category: 'logging',
      group: 'Logging Provider',
      type: 'enum',
      defaultValue: 'Info',
      validation: { enum: ['Debug', 'Info', 'Warning', 'Error'] },
      ui: {
        control: 'select',
        options: [
          { value: 'Debug', label: 'Debug' },
          { value: 'Info', label: 'Info' },
          { value: 'Warning', label: 'Warning' },
          { value: 'Error', label: 'Error' },
        ],
      },
      allowedLevels: ['global', 'tenant'],
      source: 'seed',
    },
    {
      key: 'logging.provider.file.path',
      label: 'Log File Path',
      description: 'Path of the log file when logging to a file.',
      category: 'logging',
      group: 'Logging Provider',
      type: 'string',
      defaultValue: 'logs/groundup.log',
      validation: { minLength: 1, maxLength: 1024 },
      ui: {
        control: 'text',
        showWhen: { settingKey: 'logging.provider.type', equals: 'File' },
      },
      allowedLevels: ['global', 'tenant'],
      dependsOn: ['logging.provider.type'],
      source: 'seed',
    },

    // ───────────────────────── groundup_cache / groundup_cache_configuration ─────────────────────────
    {
      key: 'cache.enabled',
      label: 'Cache Enabled',
      description: 'Cache resolved values and other data.',
      category: 'cache',
      group: 'Cache Configuration',
      type: 'boolean',
      defaultValue: true,
      ui: { control: 'toggle' },
      allowedLevels: ['global', 'tenant'],
      source: 'seed',
    },
    {
      key: 'cache.provider',
      label: 'Cache Provider',
      description: 'Which cache implementation is used.',
      category: 'cache',
      group: 'Cache Configuration',
      type: 'enum',
      defaultValue: 'InMemory',
      validation: { enum: ['InMemory', 'Redis', 'Distributed'] },
      ui: {
        control: 'select',
        options: [
          { value: 'InMemory', label: 'In-memory' },
          { value: 'Redis', label: 'Redis' },
          { value: 'Distributed', label: 'Distributed' },
        ],
        showWhen: { settingKey: 'cache.enabled', equals: true },
      },
      allowedLevels: ['global', 'tenant'],
      dependsOn: ['cache.enabled'],
      source: 'seed',
    },
    {
      key: 'cache.redis.connectionstring',
      label: 'Redis Connection String',
      description: 'Connection string of the Redis server.',
      category: 'cache',
      group: 'Cache Configuration',
      type: 'string',
      defaultValue: '',
      validation: { maxLength: 2048 },
      ui: {
        control: 'password',
        placeholder: 'redis.example.com:6379,password=…',
        showWhen: { settingKey: 'cache.provider', equals: 'Redis' },
      },
      allowedLevels: ['global', 'tenant'],
      isSecret: true,
      dependsOn: ['cache.provider'],
      source: 'seed',
    },

    // ───────────────────────── groundup_secrets / groundup_secrets_provider ─────────────────────────
    {
      key: 'secrets.provider.type',
      label: 'Secrets Provider',
      description: 'Where encryption keys for secret settings are kept.',
      category: 'secrets',
      group: 'Secrets Provider',
      type: 'enum',
      defaultValue: 'Bootstrap',
      validation: { enum: ['Bootstrap', 'AzureKeyVault', 'AWSSecretsManager'] },
      ui: {
        control: 'select',
        options: [
          { value: 'Bootstrap', label: 'Bootstrap key' },
          { value: 'AzureKeyVault', label: 'Azure Key Vault' },
          { value: 'AWSSecretsManager', label: 'AWS Secrets Manager' },
        ],
      },
      allowedLevels: ['global', 'tenant'],
      source: 'seed',
    },
    {
      key: 'secrets.provider.azure.vaulturl',
      label: 'Azure Key Vault URL',
      description: 'HTTPS URL of the Azure Key Vault.',
      category: 'secrets',
      group: 'Secrets Provider',
      type: 'url',
      // Placeholder: a url setting cannot default to "" unless it is secret; shown only for AzureKeyVault.
      defaultValue: 'https://example.vault.azure.net/',
      validation: { httpsOnly: true, maxLength: 2048 },
      ui: {
        control: 'text',
        placeholder: 'https://my-vault.vault.azure.net/',
        showWhen: { settingKey: 'secrets.provider.type', equals: 'AzureKeyVault' },
      },
      allowedLevels: ['global', 'tenant'],
      dependsOn: ['secrets.provider.type'],
      source: 'seed',
    },
    {
      key: 'secrets.provider.aws.region',
      label: 'AWS Region',
      description: 'AWS region of the Secrets Manager.',
      category: 'secrets',
      group: 'Secrets Provider',
      type: 'string',
      defaultValue: 'us-east-1',
      validation: { pattern: '^[a-z]{2}(-gov)?-[a-z]+-[0-9]+$' },
      ui: {
        control: 'text',
        placeholder: 'eu-west-1',
        showWhen: { settingKey: 'secrets.provider.type', equals: 'AWSSecretsManager' },
      },
      allowedLevels: ['global', 'tenant'],
      dependsOn: ['secrets.provider.type'],
      source: 'seed',
    },
  ],
};
