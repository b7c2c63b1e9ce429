'use client';

import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { toast } from 'sonner';
import { api } from '@/lib/client/api';
import { applyTheme, THEME_COOKIE, THEME_PREFERENCE, type Theme } from '@/lib/theme';
import { Button } from '@/components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuLabel, DropdownMenuRadioGroup, DropdownMenuRadioItem, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { Icon } from './icons';

interface ThemeState {
  theme: Theme;
  /** Applies a choice at once and saves it; resolves to whether the save worked (a failure reverts it). */
  setTheme(theme: Theme): Promise<boolean>;
  /** Applies a theme the server already holds (e.g. after the preference was reset), without saving. */
  syncTheme(theme: Theme): void;
}

/** The react-query key of the caller's preferences (GET /users/me/preferences), refreshed after a theme save. */
export const PREFERENCES_QUERY_KEY = ['/users/me/preferences'];

const ThemeContext = createContext<ThemeState>({ theme: 'system', setTheme: async () => false, syncTheme: () => {} });
export const useTheme = () => useContext(ThemeContext);

/**
 * The colour theme the server rendered with (no flash), changed here. Saved as the user's `ui.theme`
 * preference when that exists, and always in a cookie so the sign-in page matches too.
 */
export function ThemeProvider({ initial, saveAs, children }: { initial: Theme; saveAs: 'preference' | 'cookie'; children: ReactNode }) {
  const [theme, setState] = useState(initial);
  const queryClient = useQueryClient();

  useEffect(() => {
    applyTheme(theme);
    if (theme !== 'system') return;
    const media = matchMedia('(prefers-color-scheme: dark)');
    const follow = () => applyTheme('system');
    media.addEventListener('change', follow);
    return () => media.removeEventListener('change', follow);
  }, [theme]);

  function syncTheme(next: Theme) {
    setState(next);
    document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
  }

  async function setTheme(next: Theme): Promise<boolean> {
    const previous = theme;
    syncTheme(next);
    if (saveAs !== 'preference') return true;
    try {
      await api.put(`/users/me/preferences/${THEME_PREFERENCE}`, { value: next });
      toast.success(`Theme saved: ${next}`);
      return true;
    } catch (err) {
      syncTheme(previous);
      toast.error(`Could not save the theme: ${(err as Error).message}`);
      return false;
    } finally {
      // the preferences page shows where the theme comes from; the header menu changes that too
      void queryClient.invalidateQueries({ queryKey: PREFERENCES_QUERY_KEY });
    }
  }

  return <ThemeContext.Provider value={{ theme, setTheme, syncTheme }}>{children}</ThemeContext.Provider>;
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
        <DropdownMenuRadioGroup value={theme} onValueChange={(v) => void setTheme(v as Theme)}>
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
