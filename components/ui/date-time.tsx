const FORMAT = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** A timestamp as people read it (UTC, so server and browser agree), machine-readable in `dateTime`. */
export function DateTime({ value, className }: { value: string | Date; className?: string }) {
  const date = typeof value === 'string' ? new Date(value) : value;
  return (
    <time dateTime={date.toISOString()} title={date.toISOString()} className={className}>
      {FORMAT.format(date)} UTC
    </time>
  );
}
