'use client';

import { useState } from 'react';
import { Button } from './button';
import { Input } from './input';

/** A read-only value with a Copy button, for secrets shown once (API tokens). */
export function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  const [copied, setCopied] = useState(false);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // no clipboard API outside secure contexts (plain http on a LAN address): fall back to selection
      const input = document.getElementById(id) as HTMLInputElement;
      input.select();
      document.execCommand('copy');
    }
    setCopied(true);
  }

  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <div className="flex gap-2">
        <Input id={id} readOnly value={value} onFocus={(e) => e.currentTarget.select()} className="font-mono" />
        <Button onClick={copy} aria-live="polite">
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
    </div>
  );
}
