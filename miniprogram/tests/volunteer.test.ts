import { describe, expect, it } from 'vitest'
import type { components } from '../src/api'
import {
  howToCollect,
  knownCabinets,
  limitText,
  nextAttendance,
  placesText,
  redeemBlocker,
  shiftActions,
  signedPoints,
  signUpLabel,
  stars,
  timeRange,
  venueCode,
} from '../src/pages/volunteer/volunteer'

type Reward = components['schemas']['Reward']
type Redemption = components['schemas']['Redemption']
type MyDeposit = components['schemas']['MyDeposit']

describe('shift times', () => {
  it('are shown in Beijing time, the end date only when it differs', () => {
    expect(timeRange('2026-12-09T08:30:00+00:00', '2026-12-09T10:30:00+00:00')).toBe('2026-12-09 16:30–18:30')
    expect(timeRange('2026-12-09T14:00:00+00:00', '2026-12-09T17:00:00+00:00')).toBe('2026-12-09 22:00 至 2026-12-10 01:00')
  })
})

describe('what a volunteer can do on a shift', () => {
  it('follows their own sign-up', () => {
    expect(shiftActions(null)).toEqual(['sign_up'])
    expect(shiftActions('withdrawn')).toEqual(['sign_up'])
    expect(shiftActions('lapsed')).toEqual(['sign_up'])
    expect(shiftActions('signed_up')).toEqual(['cancel'])
    expect(shiftActions('waiting')).toEqual(['cancel'])
    expect(shiftActions('offered')).toEqual(['confirm', 'cancel'])
  })

  it('says a full shift puts a sign-up on the waitlist', () => {
    expect(placesText({ taken: 4, capacity: 6 })).toBe('已报 4/6')
    expect(placesText({ taken: 6, capacity: 6 })).toBe('已报 6/6（已满，报名进入候补）')
    expect(placesText({ taken: 6, capacity: 6, my_status: 'signed_up' })).toBe('已报 6/6')
    expect(signUpLabel({ taken: 6, capacity: 6 })).toBe('报名候补')
    expect(signUpLabel({ taken: 1, capacity: 6 })).toBe('我要报名')
  })
})

describe('attendance', () => {
  it('checks in, then out, only with a place held', () => {
    expect(nextAttendance({ status: 'signed_up' })).toBe('check_in')
    expect(nextAttendance({ status: 'signed_up', checked_in_at: '2026-12-09T08:25:00+00:00' })).toBe('check_out')
    expect(
      nextAttendance({ status: 'signed_up', checked_in_at: '2026-12-09T08:25:00+00:00', checked_out_at: '2026-12-09T10:31:00+00:00' }),
    ).toBeNull()
    expect(nextAttendance({ status: 'waiting' })).toBeNull()
  })

  it('keeps the pasted venue code without surrounding blanks', () => {
    expect(venueCode('  volunteer_shift.31.59357281.abc \n')).toBe('volunteer_shift.31.59357281.abc')
    expect(venueCode(undefined)).toBe('')
  })
})

describe('points', () => {
  it('show their sign and stars', () => {
    expect(signedPoints(10)).toBe('+10')
    expect(signedPoints(-30)).toBe('-30')
    expect(stars(2)).toBe('★★☆☆☆')
    expect(stars(9)).toBe('★★★★★')
  })
})

const reward = (more: Partial<Reward>): Reward => ({
  id: 1,
  name: '保温杯',
  price: 40,
  stock: 5,
  status: 'on_shelf',
  per_person: 2,
  limit_period: 'month',
  limit_period_name: '每月',
  left: 2,
  ...more,
})

describe('the 爱心超市 shelf', () => {
  it('says why a reward cannot be redeemed', () => {
    expect(redeemBlocker(reward({}), 100)).toBe('')
    expect(redeemBlocker(reward({}), 39)).toBe('积分不足')
    expect(redeemBlocker(reward({ stock: 0 }), 100)).toBe('已兑完')
    expect(redeemBlocker(reward({ left: 0 }), 100)).toBe('已达每月兑换上限')
    expect(redeemBlocker(reward({ status: 'off_shelf' }), 100)).toBe('已下架')
  })

  it('states the limit', () => {
    expect(limitText(reward({ left: 1 }))).toBe('每月限兑 2 件，还可兑 1 件')
    expect(limitText(reward({ per_person: null, left: null }))).toBe('')
  })
})

const deposit: MyDeposit = {
  id: 7,
  item: '保温杯',
  cabinet_name: '火炬路云柜',
  location: '服务中心东侧',
  compartment: 3,
  status: 'waiting',
  code: '40718263',
}

describe('collecting a redemption', () => {
  it('at the counter by its code, from a locker by the pickup code once it is in', () => {
    const counter: Redemption = { id: 1, delivery: 'counter', status: 'reserved', qr_token: 'tok' }
    expect(howToCollect(counter, [])).toEqual({ kind: 'counter', token: 'tok' })
    const locker: Redemption = { id: 2, delivery: 'locker', status: 'reserved', cabinet_id: 1 }
    expect(howToCollect(locker, [])).toEqual({ kind: 'waiting_locker' })
    expect(howToCollect({ ...locker, deposit_id: 7 }, [deposit])).toEqual({ kind: 'pickup', deposit })
    expect(howToCollect({ ...locker, deposit_id: 7, status: 'fulfilled' }, [deposit])).toEqual({ kind: 'none' })
  })

  it('names the cabinets earlier locker redemptions went into', () => {
    const went: Redemption[] = [
      { id: 2, delivery: 'locker', cabinet_id: 1, deposit_id: 7 },
      { id: 3, delivery: 'locker', cabinet_id: 1, deposit_id: 7 },
      { id: 4, delivery: 'counter' },
    ]
    expect(knownCabinets(went, [deposit])).toEqual([{ id: 1, name: '火炬路云柜', location: '服务中心东侧' }])
  })
})
