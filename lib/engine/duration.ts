/** Durations: ISO 8601 ("PT15M", "P1DT2H") or compact ("90s", "1h30m", "500ms", "2d"), measured in seconds. */

const N = '(\\d+(?:\\.\\d+)?)';
// Years and months are refused: their length in seconds is not fixed.
const ISO = new RegExp(`^P(?!$)(?:${N}W)?(?:${N}D)?(?:T(?=\\d)(?:${N}H)?(?:${N}M)?(?:${N}S)?)?$`);
const ISO_UNITS = [604_800, 86_400, 3_600, 60, 1];
// Units must come largest first, each at most once, so every string has one reading.
const COMPACT = new RegExp(`^(?=\\d)(?:${N}w)?(?:${N}d)?(?:${N}h)?(?:${N}m(?!s))?(?:${N}s)?(?:${N}ms)?$`);
const COMPACT_UNITS = [604_800, 86_400, 3_600, 60, 1, 0.001];

/** The length of a duration string in seconds, or null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const iso = ISO.exec(text);
  const match = iso ?? COMPACT.exec(text);
  if (!match) return null;
  const units = iso ? ISO_UNITS : COMPACT_UNITS;
  let seconds = 0;
  for (let i = 0; i < units.length; i++) if (match[i + 1]) seconds += Number(match[i + 1]) * units[i];
  return seconds;
}

/** Seconds as a compact duration ("1h30m", "500ms") for messages. */
export function formatDuration(seconds: number): string {
  let ms = Math.round(seconds * 1000);
  if (ms === 0) return '0s';
  let out = '';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(ms / size);
    if (n > 0) out += `${n}${unit}`;
    ms -= n * size;
  }
  return out;
}
