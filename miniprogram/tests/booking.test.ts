import { describe, expect, it } from 'vitest'
import { beijingDays, bookingDays, bookingWhen, canCancel, clock, hoursLines, showsQr, slotState, venueCode } from '../src/pages/booking/booking'

// Monday 2026-12-07 08:00 in Beijing
const MONDAY_MORNING = new Date('2026-12-07T00:00:00Z')

describe('the days of the slot picker', () => {
  it('are Beijing calendar days: late at night in UTC it is already tomorrow in 宝鸡', () => {
    const days = beijingDays(new Date('2026-12-06T17:00:00Z'), 3)
    expect(days.map((d) => d.date)).toEqual(['2026-12-07', '2026-12-08', '2026-12-09'])
    expect(days.map((d) => d.label)).toEqual(['今天', '明天', '12/09'])
    expect(days[0].weekday).toBe('周一')
  })

  it('run from today to the service\'s booking horizon, two weeks at most', () => {
    expect(bookingDays(MONDAY_MORNING, 1)).toHaveLength(2)
    expect(bookingDays(MONDAY_MORNING, 30)).toHaveLength(14)
    expect(bookingDays(MONDAY_MORNING, undefined)).toHaveLength(8)
    expect(bookingDays(new Date('2026-12-31T12:00:00Z'), 2).map((d) => d.date)).toEqual(['2026-12-31', '2027-01-01', '2027-01-02'])
  })
})

describe('a slot on the picker', () => {
  const future = { starts_at: '2026-12-08T01:00:00+00:00', capacity: 2 }

  it('can be picked while it is open with places left, and says how many', () => {
    expect(slotState({ ...future, free: 2, bookable_now: true }, MONDAY_MORNING)).toEqual({ label: '余 2 个', pickable: true, kind: 'ok' })
  })

  it('says why it cannot be picked', () => {
    const label = (slot: object) => slotState({ ...future, ...slot }, MONDAY_MORNING).label
    expect(label({ free: 0, bookable_now: false })).toBe('已约满')
    expect(label({ closed: true, free: 2 })).toBe('暂停服务')
    expect(label({ free: 2, bookable_now: false, book_from: '2026-12-07T06:00:00+00:00' })).toBe('未开放')
    expect(label({ free: 2, bookable_now: false, book_from: '2026-12-01T00:00:00+00:00' })).toBe('已截止')
    expect(label({ free: 2, bookable_now: false, starts_at: '2026-12-06T23:00:00+00:00' })).toBe('已过期')
  })

  it('shows its Beijing start and end', () => {
    expect(clock('2026-12-08T09:00:00+08:00')).toBe('09:00')
  })
})

describe('a booking', () => {
  const booking = {
    status: 'confirmed',
    starts_at_local: '2026-12-08T09:00:00+08:00',
    ends_at_local: '2026-12-08T10:00:00+08:00',
    cancel_until: '2026-12-07T23:00:00+00:00',
  }

  it('reads as a day, a weekday and a time span', () => {
    expect(bookingWhen(booking)).toBe('12月08日 周二 09:00–10:00')
  })

  it('can be cancelled while active and before its cut-off', () => {
    expect(canCancel(booking, MONDAY_MORNING)).toBe(true)
    expect(canCancel(booking, new Date('2026-12-07T23:00:00Z'))).toBe(false)
    expect(canCancel({ ...booking, status: 'checked_in' }, MONDAY_MORNING)).toBe(false)
    expect(canCancel({ ...booking, status: 'pending_approval' }, MONDAY_MORNING)).toBe(true)
  })

  it('has its check-in QR once confirmed', () => {
    expect(showsQr(booking)).toBe(true)
    expect(showsQr({ ...booking, status: 'pending_approval' })).toBe(false)
    expect(showsQr({ ...booking, status: 'cancelled' })).toBe(false)
  })
})

describe('opening hours', () => {
  it('group the days that share a time span', () => {
    const weekdays = [0, 1, 2, 3, 4].map((weekday) => ({ weekday, opens: '09:00', closes: '12:00' }))
    expect(hoursLines(weekdays)).toEqual(['周一、周二、周三、周四、周五 09:00–12:00'])
    const always = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' }))
    expect(hoursLines(always)).toEqual(['每天 00:00–24:00'])
  })
})

describe('the counter screen code', () => {
  it('is taken as read, without surrounding spaces', () => {
    expect(venueCode(' booking.1.59357281.3yZe8H6kT0aVq9XbN4mJ2w\n')).toBe('booking.1.59357281.3yZe8H6kT0aVq9XbN4mJ2w')
  })

  it('is nothing when blank, too long or not a code', () => {
    expect(venueCode('  ')).toBe('')
    expect(venueCode('x'.repeat(81))).toBe('')
    expect(venueCode('签到码')).toBe('')
  })
})
