import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { currentTheme } from '@/lib/auth/current';
import { nonceOf } from '@/lib/security/headers';
import { THEME_SCRIPT } from '@/lib/theme';
import { Providers } from '@/components/shell/providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Switchboard', template: '%s · Switchboard' },
  description: 'Self-hosted control plane for application settings, feature flags and user preferences',
};

export default async function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  // rendered on the server with the user's theme, so the first paint is already right
  const { theme, saveAs } = await currentTheme();
  // proxy.ts's CSP nonce: without it the browser refuses this inline script
  const nonce = nonceOf((await headers()).get('content-security-policy'));
  return (
    <html lang="en" data-theme={theme} className={theme === 'dark' ? 'dark' : undefined} suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-dvh">
        <Providers theme={theme} themeSaveAs={saveAs}>
          {children}
        </Providers>
      </body>
    </html>
  );
}
