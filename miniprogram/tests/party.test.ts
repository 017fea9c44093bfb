import { describe, expect, it } from 'vitest'
import type { components } from '../src/api'
import {
  beijingTime,
  checkInOpen,
  currentReport,
  hoursLines,
  mayReconfirm,
  reportableCommunities,
  signupChoice,
  timeRange,
  venueCode,
} from '../src/pages/party/party'

type Activity = components['schemas']['PartyActivity']
type Report = components['schemas']['Report']

const NOW = Date.parse('2026-12-07T00:00:00Z') // Monday 08:00 in Beijing

function activity(fields: Partial<Activity> = {}): Activity {
  return {
    id: 7,
    title: '十二月主题党日',
    status: 'published',
    starts_at: '2026-12-08T01:00:00+00:00',
    ends_at: '2026-12-08T03:00:00+00:00',
    check_in_from: '2026-12-08T00:30:00+00:00',
    cancel_until: '2026-12-07T23:00:00+00:00',
    places_left: 3,
    my_status: null,
    walk_ins: false,
    ...fields,
  }
}

describe('报到', () => {
  it('is made to a community where one is a verified resident', () => {
    const memberships = [
      { community_id: 1, community_name: '火炬路社区', roles: ['resident' as const, 'volunteer' as const] },
      { community_id: 2, community_name: '金河尚居社区', roles: ['volunteer' as const] },
    ]
    expect(reportableCommunities(memberships).map((m) => m.community_id)).toEqual([1])
  })

  it('shows the report that waits or holds, not the ones that ended', () => {
    const reports: Report[] = [
      { id: 3, status: 'pending' },
      { id: 2, status: 'rejected' },
    ]
    expect(currentReport(reports)?.id).toBe(3)
    expect(currentReport([{ id: 2, status: 'revoked' }])).toBeNull()
  })

  it('offers reconfirming only in the month before it lapses', () => {
    const report: Report = { id: 3, status: 'approved', confirmed_until: '2027-01-01T00:00:00+00:00' }
    expect(mayReconfirm(report, NOW)).toBe(true)
    expect(mayReconfirm({ ...report, confirmed_until: '2027-12-01T00:00:00+00:00' }, NOW)).toBe(false)
    expect(mayReconfirm({ ...report, status: 'pending' }, NOW)).toBe(false)
  })
})

describe('times', () => {
  it('are shown in Beijing time', () => {
    expect(beijingTime('2026-12-08T01:00:00+00:00')).toBe('2026-12-08 09:00')
    expect(beijingTime('2026-12-08T09:00:00+08:00')).toBe('2026-12-08 09:00')
    expect(beijingTime(null)).toBe('')
  })

  it('make a range with the date once when the activity ends the same day', () => {
    expect(timeRange('2026-12-08T01:00:00+00:00', '2026-12-08T03:00:00+00:00')).toBe('12月8日 09:00–11:00')
    expect(timeRange('2026-12-08T15:00:00+00:00', '2026-12-09T01:00:00+00:00')).toBe('12月8日 23:00–12月9日 09:00')
  })
})

describe('an activity', () => {
  it('offers signing up while places are free, the waitlist when full', () => {
    expect(signupChoice(activity(), NOW)).toBe('sign_up')
    expect(signupChoice(activity({ places_left: 0 }), NOW)).toBe('waitlist')
    expect(signupChoice(activity({ my_status: 'withdrawn' }), NOW)).toBe('sign_up')
  })

  it('offers cancelling a place or a waiting place until cancel_until', () => {
    expect(signupChoice(activity({ my_status: 'signed_up' }), NOW)).toBe('cancel')
    expect(signupChoice(activity({ my_status: 'waiting' }), NOW)).toBe('cancel')
    expect(signupChoice(activity({ my_status: 'signed_up' }), Date.parse('2026-12-07T23:00:00Z'))).toBe('none')
  })

  it('offers nothing once started, cancelled or for a walk-in', () => {
    expect(signupChoice(activity(), Date.parse('2026-12-08T01:00:00Z'))).toBe('none')
    expect(signupChoice(activity({ status: 'cancelled' }), NOW)).toBe('none')
    expect(signupChoice(activity({ my_status: 'walk_in' }), NOW)).toBe('none')
  })

  it('opens check-in from check_in_from to the end for a member with a place', () => {
    const during = Date.parse('2026-12-08T00:31:00Z')
    expect(checkInOpen(activity({ my_status: 'signed_up' }), during)).toBe(true)
    expect(checkInOpen(activity({ my_status: 'signed_up' }), NOW)).toBe(false)
    expect(checkInOpen(activity({ my_status: 'signed_up' }), Date.parse('2026-12-08T03:00:00Z'))).toBe(false)
    expect(checkInOpen(activity({ my_status: 'waiting' }), during)).toBe(false)
    expect(checkInOpen(activity({ walk_ins: true }), during)).toBe(true)
  })
})

describe('the venue code', () => {
  it('is sent as read, without the spaces a paste brings', () => {
    expect(venueCode('  party_activity.7.59357281.3yZe8H6kT0aVq9XbN4mJ2w\n')).toBe('party_activity.7.59357281.3yZe8H6kT0aVq9XbN4mJ2w')
    expect(venueCode('   ')).toBe('')
    expect(venueCode('x'.repeat(81))).toBe('')
  })
})

describe('my hours', () => {
  it('lists the months with service, the latest first', () => {
    const months = Array.from({ length: 12 }, (_, i) => ({ month: i + 1, minutes: 0, hours: 0, activities: 0, post_months: 0 }))
    months[10] = { month: 11, minutes: 270, hours: 4.5, activities: 2, post_months: 1 }
    months[11] = { month: 12, minutes: 110, hours: 1.8, activities: 1, post_months: 0 }
    expect(hoursLines(months)).toEqual([
      { month: 12, label: '12月', hours: 1.8, detail: '参加活动 1 次' },
      { month: 11, label: '11月', hours: 4.5, detail: '参加活动 2 次，岗位服务 1 项' },
    ])
  })
})
