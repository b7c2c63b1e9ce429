/**
 * Built-in AI model providers (seed 000 "Model Configuration"): which models each offers and which
 * request parameters it accepts, with the provider's own ranges. Pure data, safe in the browser.
 */

export type ParameterSpec =
  | { type: 'number'; label: string; min: number; max: number; default?: number; help?: string }
  | { type: 'integer'; label: string; min: number; max: number; default?: number; help?: string }
  | { type: 'boolean'; label: string; default?: boolean; help?: string }
  | { type: 'stringList'; label: string; maxItems: number; maxLength: number; help?: string };

export interface ModelInfo {
  id: string;
  label: string;
  /** Context window in tokens, for the page. */
  contextWindow: number;
}

export interface ProviderDescriptor {
  id: string;
  label: string;
  description: string;
  models: ModelInfo[];
  defaultModel: string;
  parameters: Record<string, ParameterSpec>;
  /** Where requests go when no scope sets `baseUrl`; null: the operator must set one (Azure: the resource URL). */
  defaultBaseUrl: string | null;
  /** Local servers run without a key. */
  apiKeyRequired: boolean;
}

const temperature = (max: number) => ({ type: 'number', label: 'Temperature', min: 0, max, default: 1, help: 'Higher is more random' }) as const;
const topP = { type: 'number', label: 'Top p', min: 0, max: 1, default: 1, help: 'Nucleus sampling: the probability mass considered' } as const;
const maxTokens = (max: number, label = 'Max tokens') => ({ type: 'integer', label, min: 1, max, help: 'Upper bound on generated tokens' }) as const;
const penalty = (label: string) => ({ type: 'number', label, min: -2, max: 2, default: 0 }) as const;
const stop = (maxItems: number) => ({ type: 'stringList', label: 'Stop sequences', maxItems, maxLength: 200 }) as const;
const seed = { type: 'integer', label: 'Seed', min: 0, max: 2_147_483_647, help: 'Same seed, same sampling (best effort)' } as const;

export const PROVIDERS: readonly ProviderDescriptor[] = [
  {
    id: 'openai',
    label: 'OpenAI-compatible',
    description: 'OpenAI, or any server speaking its Chat Completions API',
    models: [
      { id: 'gpt-4.1', label: 'GPT-4.1', contextWindow: 1_047_576 },
      { id: 'gpt-4.1-mini', label: 'GPT-4.1 mini', contextWindow: 1_047_576 },
      { id: 'gpt-4o', label: 'GPT-4o', contextWindow: 128_000 },
      { id: 'gpt-4o-mini', label: 'GPT-4o mini', contextWindow: 128_000 },
      { id: 'o3-mini', label: 'o3-mini', contextWindow: 200_000 },
    ],
    defaultModel: 'gpt-4o-mini',
    parameters: {
      temperature: temperature(2),
      top_p: topP,
      max_tokens: maxTokens(32_768),
      presence_penalty: penalty('Presence penalty'),
      frequency_penalty: penalty('Frequency penalty'),
      stop: stop(4),
      seed,
    },
    defaultBaseUrl: 'https://api.openai.com/v1',
    apiKeyRequired: true,
  },
  {
    id: 'anthropic',
    label: 'Anthropic',
    description: 'Claude models through the Messages API',
    models: [
      { id: 'claude-opus-4-1', label: 'Claude Opus 4.1', contextWindow: 200_000 },
      { id: 'claude-sonnet-4-5', label: 'Claude Sonnet 4.5', contextWindow: 200_000 },
      { id: 'claude-3-5-haiku', label: 'Claude 3.5 Haiku', contextWindow: 200_000 },
    ],
    defaultModel: 'claude-sonnet-4-5',
    parameters: {
      temperature: temperature(1),
      top_p: topP,
      top_k: { type: 'integer', label: 'Top k', min: 0, max: 500 },
      max_tokens: { ...maxTokens(64_000), default: 4096 },
      stop_sequences: stop(16),
    },
    defaultBaseUrl: 'https://api.anthropic.com',
    apiKeyRequired: true,
  },
  {
    id: 'azure-openai',
    label: 'Azure OpenAI',
    description: 'OpenAI models deployed in your Azure resource (set its URL as base URL)',
    models: [
      { id: 'gpt-4o', label: 'GPT-4o deployment', contextWindow: 128_000 },
      { id: 'gpt-4o-mini', label: 'GPT-4o mini deployment', contextWindow: 128_000 },
      { id: 'gpt-35-turbo', label: 'GPT-3.5 Turbo deployment', contextWindow: 16_385 },
    ],
    defaultModel: 'gpt-4o',
    parameters: {
      temperature: temperature(2),
      top_p: topP,
      max_tokens: maxTokens(16_384),
      presence_penalty: penalty('Presence penalty'),
      frequency_penalty: penalty('Frequency penalty'),
      stop: stop(4),
    },
    defaultBaseUrl: null,
    apiKeyRequired: true,
  },
  {
    id: 'google',
    label: 'Google Gemini',
    description: 'Gemini models through the Generative Language API',
    models: [
      { id: 'gemini-2.5-pro', label: 'Gemini 2.5 Pro', contextWindow: 1_048_576 },
      { id: 'gemini-2.5-flash', label: 'Gemini 2.5 Flash', contextWindow: 1_048_576 },
      { id: 'gemini-2.0-flash', label: 'Gemini 2.0 Flash', contextWindow: 1_048_576 },
    ],
    defaultModel: 'gemini-2.5-flash',
    parameters: {
      temperature: temperature(2),
      top_p: topP,
      top_k: { type: 'integer', label: 'Top k', min: 1, max: 40 },
      max_output_tokens: maxTokens(65_536, 'Max output tokens'),
      candidate_count: { type: 'integer', label: 'Candidates', min: 1, max: 8, default: 1 },
      stop_sequences: stop(5),
    },
    defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta',
    apiKeyRequired: true,
  },
  {
    id: 'mistral',
    label: 'Mistral',
    description: 'Mistral AI’s hosted models',
    models: [
      { id: 'mistral-large-latest', label: 'Mistral Large', contextWindow: 128_000 },
      { id: 'mistral-small-latest', label: 'Mistral Small', contextWindow: 32_000 },
      { id: 'codestral-latest', label: 'Codestral', contextWindow: 256_000 },
      { id: 'open-mistral-nemo', label: 'Mistral Nemo', contextWindow: 128_000 },
    ],
    defaultModel: 'mistral-small-latest',
    parameters: {
      temperature: { ...temperature(1.5), default: 0.7 },
      top_p: topP,
      max_tokens: maxTokens(32_000),
      stop: stop(10),
      random_seed: { ...seed, label: 'Random seed' },
      safe_prompt: { type: 'boolean', label: 'Safe prompt', default: false, help: 'Prepend Mistral’s safety prompt' },
    },
    defaultBaseUrl: 'https://api.mistral.ai/v1',
    apiKeyRequired: true,
  },
  {
    id: 'ollama',
    label: 'Local (Ollama)',
    description: 'Models served by Ollama on your own machines',
    models: [
      { id: 'llama3.1', label: 'Llama 3.1 8B', contextWindow: 128_000 },
      { id: 'llama3.2', label: 'Llama 3.2 3B', contextWindow: 128_000 },
      { id: 'qwen2.5', label: 'Qwen 2.5 7B', contextWindow: 32_768 },
      { id: 'mistral', label: 'Mistral 7B', contextWindow: 32_768 },
      { id: 'phi3', label: 'Phi-3 Mini', contextWindow: 128_000 },
    ],
    defaultModel: 'llama3.1',
    parameters: {
      temperature: { ...temperature(2), default: 0.8 },
      top_p: { ...topP, default: 0.9 },
      top_k: { type: 'integer', label: 'Top k', min: 1, max: 100, default: 40 },
      num_predict: { type: 'integer', label: 'Tokens to predict', min: -1, max: 32_768, help: '-1: until the model stops' },
      num_ctx: { type: 'integer', label: 'Context length', min: 256, max: 131_072, default: 2048 },
      repeat_penalty: { type: 'number', label: 'Repeat penalty', min: 0, max: 2, default: 1.1 },
      stop: stop(8),
      seed,
    },
    defaultBaseUrl: 'http://127.0.0.1:11434',
    apiKeyRequired: false,
  },
];

const BY_ID = new Map(PROVIDERS.map((p) => [p.id, p]));

export const providerById = (id: string): ProviderDescriptor | undefined => BY_ID.get(id);
export const PROVIDER_IDS = PROVIDERS.map((p) => p.id);

/** The provider's defaults for parameters that have one. */
export function defaultParameters(provider: ProviderDescriptor): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(provider.parameters)) if ('default' in spec && spec.default !== undefined) out[name] = spec.default;
  return out;
}

/** `https://…`, or plain http only to this machine (a local model server). */
export function baseUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL, e.g. https://api.example.com/v1';
  }
  if (url.username || url.password) return 'must not carry credentials (use apiKey)';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return null;
  return 'must use https:// (plain http:// only to a loopback address such as 127.0.0.1 or localhost)';
}

function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
