import { Fragment } from 'react';

/** Renders `backticked` spans of API prose as code. */
export function InlineCode({ text }: { text: string }) {
  return text.split(/`([^`]+)`/).map((part, i) =>
    i % 2 ? (
      <code key={i} className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.85em] dark:bg-zinc-800">
        {part}
      </code>
    ) : (
      <Fragment key={i}>{part}</Fragment>
    ),
  );
}

/** The small markdown subset the OpenAPI descriptions use: paragraphs, `- ` lists and inline code. */
export function Description({ text }: { text: string }) {
  return text.split(/\n{2,}/).map((block, i) => {
    const lines = block.split('\n');
    if (lines.every((l) => l.startsWith('- '))) {
      return (
        <ul key={i} className="my-3 list-disc space-y-1 pl-5">
          {lines.map((l, j) => (
            <li key={j}>
              <InlineCode text={l.slice(2)} />
            </li>
          ))}
        </ul>
      );
    }
    return (
      <p key={i} className="my-3">
        <InlineCode text={block} />
      </p>
    );
  });
}
