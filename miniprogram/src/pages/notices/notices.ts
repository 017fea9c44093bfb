/** Pure helpers of the notices pages (and the other 服务云 pages' times). */

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000

/** A UTC time from the API (`2026-12-08T01:00:00+00:00`) as Beijing time `2026-12-08 09:00`; '' for none. */
export function beijingTime(iso?: string | null): string {
  if (!iso) return ''
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return ''
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')
}

/** The unread badge: nothing at 0, the count up to 99, then 99+. */
export function badgeText(unread?: number | null): string {
  if (!unread || unread < 0) return ''
  return unread > 99 ? '99+' : String(unread)
}

const AUDIENCE_NAMES: Record<string, string> = {
  all: '全体居民',
  party_members: '在职党员',
  volunteers: '志愿者',
  grids: '指定网格',
  buildings: '指定楼栋',
}

export function audienceName(audience?: string | null): string {
  return AUDIENCE_NAMES[audience ?? ''] ?? ''
}

/** A file attachment's size for people: 12 KB, 1.5 MB. */
export function fileSize(bytes?: number | null): string {
  if (!bytes) return ''
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
