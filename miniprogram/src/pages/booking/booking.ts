/** Pure helpers of the booking pages: the days to pick from, a slot's state, a booking's time and what
 * the resident may still do with it. */

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六']
/** The API's weekday numbers: 0 = 周一 … 6 = 周日. */
const API_WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日']

export interface Day {
  /** YYYY-MM-DD, a Beijing calendar day (the slots query's `date`). */
  date: string
  /** 今天, 明天 or 12/09. */
  label: string
  weekday: string
}

/** `count` Beijing calendar days from the one `now` falls in (slots are asked for by local day). */
export function beijingDays(now: Date, count: number): Day[] {
  const today = new Date(now.getTime() + BEIJING_OFFSET_MS)
  return Array.from({ length: Math.max(1, count) }, (_, i) => {
    const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + i))
    const date = day.toISOString().slice(0, 10)
    const label = i === 0 ? '今天' : i === 1 ? '明天' : `${date.slice(5, 7)}/${date.slice(8, 10)}`
    return { date, label, weekday: WEEKDAYS[day.getUTCDay()] }
  })
}

/** The days a service can be booked for: today up to its `max_advance_days` ahead (two weeks at most on
 * one screen). */
export function bookingDays(now: Date, maxAdvanceDays?: number | null): Day[] {
  return beijingDays(now, Math.min(Math.max(maxAdvanceDays ?? 7, 0), 13) + 1)
}

/** HH:MM of a Beijing time the API gives (`2026-12-08T09:00:00+08:00`). */
export function clock(local?: string | null): string {
  return local ? local.slice(11, 16) : ''
}

export interface SlotLike {
  closed?: boolean
  free?: number
  capacity?: number
  bookable_now?: boolean
  book_from?: string
  starts_at?: string
}

/** What a slot says on the picker and whether it can be picked. */
export function slotState(slot: SlotLike, now: Date): { label: string; pickable: boolean; kind: '' | 'ok' | 'warn' | 'bad' } {
  if (slot.closed) return { label: '暂停服务', pickable: false, kind: 'bad' }
  if (!slot.free || slot.free <= 0) return { label: '已约满', pickable: false, kind: 'bad' }
  if (slot.bookable_now) return { label: `余 ${slot.free} 个`, pickable: true, kind: 'ok' }
  if (slot.starts_at && Date.parse(slot.starts_at) <= now.getTime()) return { label: '已过期', pickable: false, kind: '' }
  if (slot.book_from && Date.parse(slot.book_from) > now.getTime()) return { label: '未开放', pickable: false, kind: 'warn' }
  return { label: '已截止', pickable: false, kind: '' }
}

export interface BookingLike {
  status?: string
  starts_at_local?: string
  ends_at_local?: string
  cancel_until?: string
}

/** 12月08日 周二 09:00–10:00 */
export function bookingWhen(booking: BookingLike): string {
  const start = booking.starts_at_local
  if (!start) return ''
  const [year, month, day] = start.slice(0, 10).split('-').map(Number)
  const weekday = WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()]
  return `${start.slice(5, 7)}月${start.slice(8, 10)}日 ${weekday} ${clock(start)}–${clock(booking.ends_at_local)}`
}

const ACTIVE = ['pending_approval', 'confirmed']

/** Cancelling is offered for an active booking until its cut-off (the server refuses after it). */
export function canCancel(booking: BookingLike, now: Date): boolean {
  if (!ACTIVE.includes(booking.status ?? '')) return false
  return !booking.cancel_until || Date.parse(booking.cancel_until) > now.getTime()
}

/** The check-in QR is shown for a confirmed booking only (the one staff can check in). */
export function showsQr(booking: BookingLike): boolean {
  return booking.status === 'confirmed'
}

export function statusClass(status?: string): string {
  return ({ confirmed: 'ok', checked_in: 'ok', pending_approval: 'warn', rejected: 'bad', no_show: 'bad' } as Record<string, string>)[status ?? ''] ?? ''
}

/** A service's weekly hours, one line per time span with its days: 每天 00:00–24:00, 周一、周二 09:00–12:00. */
export function hoursLines(hours: { weekday?: number; opens?: string; closes?: string }[]): string[] {
  const spans = new Map<string, number[]>()
  for (const h of hours) {
    if (h.weekday === undefined) continue
    const span = `${h.opens ?? ''}–${h.closes ?? ''}`
    spans.set(span, [...(spans.get(span) ?? []), h.weekday])
  }
  return [...spans].map(([span, days]) => {
    const unique = [...new Set(days)].sort()
    const named = unique.length === 7 ? '每天' : unique.map((d) => API_WEEKDAYS[d]).join('、')
    return `${named} ${span}`
  })
}

/** What the resident pasted or scanned from the counter's screen (签到码), trimmed; '' when it cannot be one. */
export function venueCode(text: string): string {
  const code = text.trim()
  return code.length <= 80 && /^[\x21-\x7e]+$/.test(code) ? code : ''
}
