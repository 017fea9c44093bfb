import { describe, expect, it } from 'vitest'
import { audienceName, badgeText, beijingTime, fileSize } from '../src/pages/notices/notices'

describe('a notice in the list', () => {
  it('shows its UTC time as Beijing time, across midnight', () => {
    expect(beijingTime('2026-12-08T01:00:00+00:00')).toBe('2026-12-08 09:00')
    expect(beijingTime('2026-12-07T17:30:00+00:00')).toBe('2026-12-08 01:30')
    expect(beijingTime(null)).toBe('')
    expect(beijingTime('not a time')).toBe('')
  })

  it('has a badge with the unread count, none when all are read', () => {
    expect(badgeText(0)).toBe('')
    expect(badgeText(6)).toBe('6')
    expect(badgeText(120)).toBe('99+')
  })

  it('names its audience in Chinese', () => {
    expect(audienceName('party_members')).toBe('在职党员')
    expect(audienceName('unknown')).toBe('')
  })

  it('gives an attachment size people read', () => {
    expect(fileSize(300)).toBe('1 KB')
    expect(fileSize(12 * 1024)).toBe('12 KB')
    expect(fileSize(1.5 * 1024 * 1024)).toBe('1.5 MB')
  })
})
