/** Pure helpers of the 志愿云 pages: times, what a volunteer can do on a shift, points, the 爱心超市. */
import type { components } from '../../api'
import { beijingTime } from '../../format'

type Shift = components['schemas']['Shift']
type Reward = components['schemas']['Reward']
type Redemption = components['schemas']['Redemption']
type MyDeposit = components['schemas']['MyDeposit']


/** A shift's times in Beijing time: `2026-12-09 16:30–18:30`, the end's date only when it differs. */
export function timeRange(startsAt?: string | null, endsAt?: string | null): string {
  const start = beijingTime(startsAt)
  const end = beijingTime(endsAt)
  if (!end) return start
  return end.slice(0, 10) === start.slice(0, 10) ? `${start}–${end.slice(11)}` : `${start} 至 ${end}`
}

export type ShiftAction = 'sign_up' | 'confirm' | 'cancel'

/** What the volunteer may do on a shift given their own sign-up's status (none: sign up). */
export function shiftActions(myStatus?: string | null): ShiftAction[] {
  switch (myStatus) {
    case 'signed_up':
    case 'waiting':
      return ['cancel']
    case 'offered':
      return ['confirm', 'cancel']
    default:
      return ['sign_up']
  }
}

export function isFull(shift: Pick<Shift, 'taken' | 'capacity'>): boolean {
  return (shift.taken ?? 0) >= (shift.capacity ?? 0)
}

/** `已报 4/6`, and, to one without a sign-up on it, that it is full and a sign-up waits. */
export function placesText(shift: Pick<Shift, 'taken' | 'capacity' | 'my_status'>): string {
  const counted = `已报 ${shift.taken ?? 0}/${shift.capacity ?? 0}`
  const signedUp = shiftActions(shift.my_status).includes('cancel')
  return isFull(shift) && !signedUp ? `${counted}（已满，报名进入候补）` : counted
}

export function signUpLabel(shift: Pick<Shift, 'taken' | 'capacity'>): string {
  return isFull(shift) ? '报名候补' : '我要报名'
}

export const STATUS_CLASS: Record<string, string> = {
  signed_up: 'ok',
  offered: 'warn',
  waiting: 'warn',
  withdrawn: '',
  lapsed: 'bad',
  reserved: 'warn',
  fulfilled: 'ok',
  cancelled: '',
  uncollected: 'bad',
}

export const statusClass = (status?: string | null) => STATUS_CLASS[status ?? ''] ?? ''

export type Attendance = 'check_in' | 'check_out'

/** What a scanned or pasted venue code becomes: trimmed; '' when nothing usable was read. */
export function venueCode(read?: string | null): string {
  return (read ?? '').trim()
}

/** The next attendance step of a sign-up holding a place: check in, check out, or nothing left to do. */
export function nextAttendance(signup: {
  status?: string | null
  checked_in_at?: string | null
  checked_out_at?: string | null
}): Attendance | null {
  if (signup.status !== 'signed_up') return null
  if (!signup.checked_in_at) return 'check_in'
  if (!signup.checked_out_at) return 'check_out'
  return null
}

/** A ledger amount with its sign: `+10`, `-30`. */
export function signedPoints(amount?: number | null): string {
  const n = amount ?? 0
  return n > 0 ? `+${n}` : String(n)
}

/** Star level as five stars, the earned ones filled. */
export function stars(level?: number | null): string {
  const n = Math.max(0, Math.min(5, level ?? 0))
  return '★'.repeat(n) + '☆'.repeat(5 - n)
}

/** Why a reward cannot be redeemed now ('' when it can). */
export function redeemBlocker(reward: Reward, balance: number): string {
  if (reward.status === 'off_shelf') return '已下架'
  if (!reward.stock) return '已兑完'
  if (reward.left === 0) return `已达${reward.limit_period_name ?? ''}兑换上限`
  if ((reward.price ?? 0) > balance) return '积分不足'
  return ''
}

/** The per-person limit as the shelf says it: `每月限兑 2 件，还可兑 1 件`; '' without a limit. */
export function limitText(reward: Reward): string {
  if (reward.per_person == null) return ''
  return `${reward.limit_period_name ?? ''}限兑 ${reward.per_person} 件，还可兑 ${reward.left ?? 0} 件`
}

export interface CabinetChoice {
  id: number
  name: string
  location: string
}

/**
 * The cabinets a volunteer can name: no endpoint lists a community's cabinets to residents, so these are
 * the ones their earlier locker redemptions went into (a redemption's `cabinet_id` matched, through its
 * `deposit_id`, to the deposit that names the cabinet).
 */
export function knownCabinets(redemptions: Redemption[], deposits: MyDeposit[]): CabinetChoice[] {
  const byDeposit = new Map(deposits.map((d) => [d.id, d]))
  const found = new Map<number, CabinetChoice>()
  for (const r of redemptions) {
    const deposit = r.deposit_id ? byDeposit.get(r.deposit_id) : undefined
    if (r.cabinet_id && deposit && !found.has(r.cabinet_id)) {
      found.set(r.cabinet_id, { id: r.cabinet_id, name: deposit.cabinet_name ?? '', location: deposit.location ?? '' })
    }
  }
  return [...found.values()]
}

export type Collect =
  | { kind: 'counter'; token: string }
  | { kind: 'pickup'; deposit: MyDeposit }
  | { kind: 'waiting_locker' }
  | { kind: 'none' }

/** How a redemption is collected now: the counter's code, the locker's pickup code, or not yet / no more. */
export function howToCollect(redemption: Redemption, deposits: MyDeposit[]): Collect {
  if (redemption.status !== 'reserved') return { kind: 'none' }
  if (redemption.delivery === 'counter') {
    return redemption.qr_token ? { kind: 'counter', token: redemption.qr_token } : { kind: 'none' }
  }
  const deposit = deposits.find((d) => d.id === redemption.deposit_id)
  if (deposit && deposit.status === 'waiting' && deposit.code) return { kind: 'pickup', deposit }
  return redemption.deposit_id ? { kind: 'none' } : { kind: 'waiting_locker' }
}
