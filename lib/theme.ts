// The colour theme: shared by the root layout (server) and the theme menu (browser). No imports here.

export const THEMES = ['light', 'dark', 'system'] as const;
export type Theme = (typeof THEMES)[number];

/** The user preference that holds the theme, when the registry defines it (seed 003 §6.4). */
export const THEME_PREFERENCE = 'ui.theme';
/** Mirrors the choice for pages without a session (sign-in) and registries without the preference. */
export const THEME_COOKIE = 'switchboard-theme';

export const parseTheme = (v: unknown): Theme | null => (THEMES.includes(v as Theme) ? (v as Theme) : null);

/** Applies a theme to <html>; "system" follows the operating system. */
export function applyTheme(theme: Theme) {
  const root = document.documentElement;
  root.dataset.theme = theme;
  root.classList.toggle('dark', theme === 'dark' || (theme === 'system' && matchMedia('(prefers-color-scheme: dark)').matches));
}

/** Runs before first paint (inline in <head>): the server knows light/dark, only "system" needs the browser. */
export const THEME_SCRIPT = `(function(){var d=document.documentElement;if(d.dataset.theme==='system'&&matchMedia('(prefers-color-scheme: dark)').matches)d.classList.add('dark')})()`;
