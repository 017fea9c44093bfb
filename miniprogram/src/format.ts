const BEIJING_OFFSET_MS = 8 * 3600 * 1000

/**
 * "2026-12-07 09:00" in Beijing time (the platform's, UTC+8) for an API time in any offset
 * ("2026-12-07T01:00:00+00:00" or "2026-12-07T09:00:00+08:00"); whatever the phone's own time zone.
 * Empty for no time, the text itself when it is not a time.
 */
export function beijingTime(iso?: string | null): string {
  if (!iso) return ''
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return iso
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')
}
