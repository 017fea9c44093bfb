import { describe, expect, it } from 'vitest'
import { categoryChips, searchWords } from '../src/pages/guides/guides'

describe('the guide search', () => {
  it('sends the words tidied, and nothing for blank input', () => {
    expect(searchWords('  老年证 ')).toBe('老年证')
    expect(searchWords('老年证\n\t 办理')).toBe('老年证 办理')
    expect(searchWords('   ')).toBeUndefined()
    expect(searchWords('证'.repeat(80))).toHaveLength(50)
  })

  it('offers 全部 and then each category with its count', () => {
    expect(categoryChips([{ category: '老龄服务', count: 3 }, { category: '' }])).toEqual([
      { value: '', label: '全部' },
      { value: '老龄服务', label: '老龄服务（3）' },
    ])
  })
})
