import { describe, expect, it } from 'vitest'
import {
  beijingTime,
  deadlineLine,
  groupedCode,
  hasQr,
  splitDeposits,
  statusClass,
} from '../src/pages/lockers/deposits'

describe('my locker items', () => {
  const items = [
    { id: 1, status: 'waiting' },
    { id: 2, status: 'picked_up' },
    { id: 3, status: 'reserved' },
    { id: 4, status: 'opening' },
    { id: 5, status: 'expired' },
    { id: 6, status: 'collected' },
  ]

  it('puts items to pick up and drop-offs to make first, the rest in the history, keeping the order', () => {
    const { current, history } = splitDeposits(items)
    expect(current.map((d) => d.id)).toEqual([1, 3, 4])
    expect(history.map((d) => d.id)).toEqual([2, 5, 6])
  })

  it('offers a QR code only for an item waiting to be picked up', () => {
    expect(items.filter(hasQr).map((d) => d.id)).toEqual([1])
  })

  it('shows the code in two groups of four', () => {
    expect(groupedCode('40718263')).toBe('4071 8263')
    expect(groupedCode(null)).toBe('')
  })

  it('says until when, in Beijing time, whatever the offset the API used', () => {
    expect(beijingTime('2026-12-10T08:12:00+08:00')).toBe('12月10日 08:12')
    expect(beijingTime('2026-12-09T16:05:00+00:00')).toBe('12月10日 00:05')
    expect(beijingTime(undefined)).toBe('')
    expect(deadlineLine({ status: 'waiting', expires_at_local: '2026-12-10T08:12:00+08:00' })).toBe('请于 12月10日 08:12 前取件')
    expect(deadlineLine({ status: 'reserved', expires_at_local: '2026-12-10T08:12:00+08:00' })).toBe('请于 12月10日 08:12 前投递')
  })

  it('colours a waiting item, a picked-up one and an expired one apart', () => {
    expect(['waiting', 'picked_up', 'expired'].map(statusClass)).toEqual(['warn', 'ok', 'bad'])
  })
})
