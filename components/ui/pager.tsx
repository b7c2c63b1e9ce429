import Link from 'next/link';
import { buttonClass } from './button';

/** "Page 2 of 12 · 583 entries" with previous / next links (links, so paging works without script and in history). */
export function Pager({ page, pageSize, total, href, noun }: { page: number; pageSize: number; total: number; href: (page: number) => string; noun: [string, string] }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const link = (to: number, label: string, rel: 'prev' | 'next') =>
    to >= 1 && to <= pages ? (
      <Link href={href(to)} rel={rel} className={buttonClass({ size: 'sm' })}>
        {label}
      </Link>
    ) : (
      <span aria-disabled="true" className={buttonClass({ size: 'sm', className: 'pointer-events-none opacity-50' })}>
        {label}
      </span>
    );
  return (
    <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 px-4 py-3 text-sm dark:border-zinc-800">
      <p className="text-zinc-600 dark:text-zinc-400">
        Page {Math.min(page, pages)} of {pages} · {total.toLocaleString('en')} {total === 1 ? noun[0] : noun[1]}
      </p>
      {pages > 1 && (
        <div className="flex gap-2">
          {link(page - 1, '← Previous', 'prev')}
          {link(page + 1, 'Next →', 'next')}
        </div>
      )}
    </nav>
  );
}
