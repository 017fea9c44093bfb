/**
 * 我的云柜: which of the caller's deposits are still to be acted on (an item to pick up, a drop-off to
 * make) and which are history, and how their codes and times read on the phone.
 */

/** Statuses of items still in the cabinet for the caller (a pickup) or reserved for them (a drop-off). */
const PICKUP_NOW = ['waiting', 'opening']
const DROPOFF_NOW = ['reserved']

export interface DepositLike {
  status?: string
}

export function splitDeposits<T extends DepositLike>(items: T[]): { current: T[]; history: T[] } {
  const now = (d: T) => PICKUP_NOW.includes(d.status ?? '') || DROPOFF_NOW.includes(d.status ?? '')
  return { current: items.filter(now), history: items.filter((d) => !now(d)) }
}

/** A waiting pickup has a QR code (a drop-off's code is typed at the cabinet). */
export const hasQr = (d: DepositLike) => d.status === 'waiting'

export const isDropoff = (d: DepositLike) => DROPOFF_NOW.includes(d.status ?? '')

/** "40718263" → "4071 8263": easier to read out and type at the keypad. */
export function groupedCode(code?: string | null): string {
  return (code ?? '').replace(/(\d{4})(?=\d)/g, '$1 ')
}

/**
 * An API time ("2026-12-10T00:12:00+00:00", or the same instant as "...08:12:00+08:00") → "12月10日 08:12"
 * in Beijing time, whatever the phone's own time zone.
 */
export function beijingTime(iso?: string | null): string {
  const ms = Date.parse(iso ?? '')
  if (Number.isNaN(ms)) return ''
  const t = new Date(ms + 8 * 3600 * 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${t.getUTCMonth() + 1}月${t.getUTCDate()}日 ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`
}

/** The line under a current item: until when to pick it up (or drop it off). */
export function deadlineLine(d: DepositLike & { expires_at_local?: string }): string {
  const when = beijingTime(d.expires_at_local)
  if (!when) return ''
  return isDropoff(d) ? `请于 ${when} 前投递` : `请于 ${when} 前取件`
}

export function statusClass(status?: string): string {
  if (status === 'waiting' || status === 'reserved' || status === 'opening') return 'warn'
  if (status === 'picked_up' || status === 'collected' || status === 'deposited') return 'ok'
  if (status === 'expired' || status === 'lapsed' || status === 'cancelled') return 'bad'
  return ''
}
