'use client';

import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { toast } from 'sonner';
import { api } from '@/lib/client/api';
import { applyTheme, THEME_COOKIE, THEME_PREFERENCE, type Theme } from '@/lib/theme';
import { Button } from '@/components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuLabel, DropdownMenuRadioGroup, DropdownMenuRadioItem, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { Icon } from './icons';

interface ThemeState {
  theme: Theme;
  setTheme(theme: Theme): void;
}

const ThemeContext = createContext<ThemeState>({ theme: 'system', setTheme: () => {} });
export const useTheme = () => useContext(ThemeContext);

/**
 * The colour theme the server rendered with (no flash), changed here. Saved as the user's `ui.theme`
 * preference when that exists, and always in a cookie so the sign-in page matches too.
 */
export function ThemeProvider({ initial, saveAs, children }: { initial: Theme; saveAs: 'preference' | 'cookie'; children: ReactNode }) {
  const [theme, setState] = useState(initial);

  useEffect(() => {
    applyTheme(theme);
    if (theme !== 'system') return;
    const media = matchMedia('(prefers-color-scheme: dark)');
    const follow = () => applyTheme('system');
    media.addEventListener('change', follow);
    return () => media.removeEventListener('change', follow);
  }, [theme]);

  function setTheme(next: Theme) {
    const previous = theme;
    setState(next);
    document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
    if (saveAs !== 'preference') return;
    api.put(`/users/me/preferences/${THEME_PREFERENCE}`, { value: next }).then(
      () => toast.success(`Theme saved: ${next}`),
      (err: Error) => {
        setState(previous);
        toast.error(`Could not save the theme: ${err.message}`);
      },
    );
  }

  return <ThemeContext.Provider value={{ theme, setTheme }}>{children}</ThemeContext.Provider>;
}

const LABELS: Record<Theme, string> = { light: 'Light', dark: 'Dark', system: 'System' };
const ICONS = { light: 'sun', dark: 'moon', system: 'monitor' } as const;

/** The header's theme switch: a menu of light / dark / system. */
export function ThemeMenu() {
  const { theme, setTheme } = useTheme();
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={`Theme: ${LABELS[theme]}`}>
          <Icon name={ICONS[theme]} />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent>
        <DropdownMenuLabel>Theme</DropdownMenuLabel>
        <DropdownMenuRadioGroup value={theme} onValueChange={(v) => setTheme(v as Theme)}>
          {(Object.keys(LABELS) as Theme[]).map((t) => (
            <DropdownMenuRadioItem key={t} value={t}>
              <Icon name={ICONS[t]} className="size-4" />
              {LABELS[t]}
            </DropdownMenuRadioItem>
          ))}
        </DropdownMenuRadioGroup>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
