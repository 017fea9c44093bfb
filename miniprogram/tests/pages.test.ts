import { describe, expect, it } from 'vitest'
import { allItems } from '../src/api/pages'
import { freshDevCode } from '../src/pages/login/code'
import { SECTIONS, visibleSections } from '../src/sections'

describe('the dev login code', () => {
  it('gets a nonce so that typing it again still logs in', () => {
    const first = freshDevCode(' dev:newcomer ')
    expect(first).toMatch(/^dev:newcomer:\w+$/)
    expect(freshDevCode('dev:newcomer')).not.toBe(first)
  })

  it('works for the stand-in phone-number codes too', () => {
    expect(freshDevCode('phone:13800001234')).toMatch(/^phone:13800001234:\w+$/)
    expect(freshDevCode('phone:+852-61234567')).toMatch(/^phone:\+852-61234567:\w+$/)
  })

  it('is kept as typed when it has a nonce or is not a dev code', () => {
    expect(freshDevCode('dev:resident:2')).toBe('dev:resident:2')
    expect(freshDevCode('081abcWeChatCode')).toBe('081abcWeChatCode')
  })
})

describe('a whole list', () => {
  it('follows next_cursor to the last page', async () => {
    const pages: Record<string, { items: number[]; next_cursor: string | null }> = {
      first: { items: [1, 2], next_cursor: 'b' },
      b: { items: [3], next_cursor: null },
    }
    expect(await allItems((cursor) => Promise.resolve(pages[cursor ?? 'first']))).toEqual([1, 2, 3])
  })

  it('stops after the page bound', async () => {
    let calls = 0
    const items = await allItems(() => Promise.resolve({ items: [++calls], next_cursor: 'again' }), 3)
    expect(items).toEqual([1, 2, 3])
  })
})

describe('the home grid', () => {
  it("shows the grid worker's workbench to staff only", () => {
    expect(visibleSections(false).map((s) => s.title)).not.toContain('网格员工作台')
    expect(visibleSections(true)).toHaveLength(SECTIONS.length)
  })
})
