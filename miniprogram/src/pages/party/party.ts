/**
 * 党建云 on the phone: what the 报到, activity, check-in and hours screens decide without the network.
 * Times from the API are UTC (`starts_at`) or Beijing time (`starts_at_local`); the screens show Beijing time.
 */
import type { components } from '../../api'
import { beijingTime } from '../../format'

export { beijingTime } // the screens' times, from the one formatter

type Membership = components['schemas']['Membership']
type Report = components['schemas']['Report']
type Activity = components['schemas']['PartyActivity']
type MonthHours = components['schemas']['MonthHours']

/** The communities a person may report to: those where they are a verified resident. */
export function reportableCommunities(memberships: Membership[]): Membership[] {
  return memberships.filter((m) => (m.roles ?? []).includes('resident'))
}

/** The report that is in force or waiting (the API lists the newest first); null when none is. */
export function currentReport(reports: Report[]): Report | null {
  return reports.find((r) => r.status === 'pending' || r.status === 'approved') ?? null
}

/** The tag colour of a report's state. */
export function reportTone(status?: string): string {
  return ({ approved: 'ok', pending: 'warn', rejected: 'bad', revoked: 'bad', lapsed: 'bad' } as Record<string, string>)[status ?? ''] ?? ''
}

/** An approved report may be reconfirmed for another year within the month before it lapses. */
export function mayReconfirm(report: Report | null, now: number): boolean {
  if (report?.status !== 'approved' || !report.confirmed_until) return false
  const until = Date.parse(report.confirmed_until)
  return until - now <= 31 * 24 * 3600 * 1000
}

/** `12月12日 09:00–11:00` (the end's date too when it ends on another day). */
export function timeRange(startsAt?: string, endsAt?: string): string {
  const start = beijingTime(startsAt)
  const end = beijingTime(endsAt)
  if (!start) return ''
  const day = (t: string) => `${Number(t.slice(5, 7))}月${Number(t.slice(8, 10))}日`
  if (!end) return `${day(start)} ${start.slice(11)}`
  const endText = end.slice(0, 10) === start.slice(0, 10) ? end.slice(11) : `${day(end)} ${end.slice(11)}`
  return `${day(start)} ${start.slice(11)}–${endText}`
}

export type SignupChoice = 'sign_up' | 'waitlist' | 'cancel' | 'none'

/**
 * The button an activity's page offers: sign up (or join the waitlist when it is full) before it
 * starts; cancel a place or a waiting place until `cancel_until`; nothing otherwise (a walk-in, a
 * cancelled activity, one that started).
 */
export function signupChoice(activity: Activity, now: number): SignupChoice {
  if (activity.status !== 'published') return 'none'
  const mine = activity.my_status
  if (mine === 'signed_up' || mine === 'waiting') {
    return activity.cancel_until && now < Date.parse(activity.cancel_until) ? 'cancel' : 'none'
  }
  if (mine === 'walk_in') return 'none'
  if (!activity.starts_at || now >= Date.parse(activity.starts_at)) return 'none'
  return (activity.places_left ?? 0) > 0 ? 'sign_up' : 'waitlist'
}

/** Check-in is open from `check_in_from` until the end, for a member with a place (or any where walk-ins are welcome). */
export function checkInOpen(activity: Activity, now: number): boolean {
  if (activity.status !== 'published' || !activity.check_in_from || !activity.ends_at) return false
  const entitled = activity.my_status === 'signed_up' || (activity.walk_ins ?? false)
  return entitled && Date.parse(activity.check_in_from) <= now && now < Date.parse(activity.ends_at)
}

/** What a scan read or a person pasted, as the API wants it: trimmed; empty when nothing usable. */
export function venueCode(text: string): string {
  const code = text.trim()
  return code.length <= 80 ? code : ''
}

export interface HoursLine {
  month: number
  label: string
  hours: number
  detail: string
}

/** The months with any service, the latest first, each with what it was made of. */
export function hoursLines(months: MonthHours[]): HoursLine[] {
  return months
    .filter((m) => (m.minutes ?? 0) > 0 || (m.activities ?? 0) > 0 || (m.post_months ?? 0) > 0)
    .map((m) => {
      const parts = []
      if (m.activities) parts.push(`参加活动 ${m.activities} 次`)
      if (m.post_months) parts.push(`岗位服务 ${m.post_months} 项`)
      return { month: m.month ?? 0, label: `${m.month}月`, hours: m.hours ?? 0, detail: parts.join('，') }
    })
    .sort((a, b) => b.month - a.month)
}
