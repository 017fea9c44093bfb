import { describe, expect, it } from 'vitest'
import { beijingTime } from '../src/format'

describe('a time on screen', () => {
  it('is Beijing time whatever offset the API wrote it in', () => {
    expect(beijingTime('2026-12-07T01:00:00+00:00')).toBe('2026-12-07 09:00')
    expect(beijingTime('2026-12-07T09:00:00+08:00')).toBe('2026-12-07 09:00')
    expect(beijingTime('2026-12-06T20:30:00+00:00')).toBe('2026-12-07 04:30')
  })

  it('is empty for no time and the text itself for something else', () => {
    expect(beijingTime(null)).toBe('')
    expect(beijingTime('明天')).toBe('明天')
  })
})
