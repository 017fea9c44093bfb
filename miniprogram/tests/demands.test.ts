import { describe, expect, it } from 'vitest'
import { CATEGORIES, canRate, canReopen, fiveSteps, stars, statusClass, waitingFor } from '../src/pages/demands/demands'

const states = (status: string) => fiveSteps(status)?.map((s) => s.state)

describe('the 五单 progress', () => {
  it('names the five steps in order', () => {
    expect(fiveSteps('submitted')?.map((s) => s.name)).toEqual(['点单', '派单', '接单', '办单', '评单'])
  })

  it('moves one step at each status, 办单 staying current until the street verifies the work', () => {
    expect(states('submitted')).toEqual(['done', 'current', 'todo', 'todo', 'todo'])
    expect(states('dispatched')).toEqual(['done', 'done', 'current', 'todo', 'todo'])
    expect(states('accepted')).toEqual(['done', 'done', 'done', 'current', 'todo'])
    expect(states('done')).toEqual(['done', 'done', 'done', 'current', 'todo'])
    expect(states('verified')).toEqual(['done', 'done', 'done', 'done', 'current'])
    expect(states('rated')).toEqual(['done', 'done', 'done', 'done', 'done'])
  })

  it('is not shown for a demand that left the flow, which says why instead', () => {
    expect(fiveSteps('dismissed')).toBeNull()
    expect(fiveSteps('merged')).toBeNull()
    expect(waitingFor('merged')).toBe('已合并到相同诉求一并办理')
    expect(waitingFor('done')).toBe('已报结，等待街道验收')
  })
})

describe('a finished demand', () => {
  it('is rated once verified, and may be reopened once instead', () => {
    expect(['accepted', 'done', 'verified', 'rated'].map((s) => canRate(s))).toEqual([false, false, true, false])
    expect(canReopen({ status: 'verified', reopened: false })).toBe(true)
    expect(canReopen({ status: 'verified', reopened: true })).toBe(false)
  })

  it('shows its rating as stars', () => {
    expect(stars(4)).toBe('★★★★☆')
    expect(stars(null)).toBe('☆☆☆☆☆')
    expect(['rated', 'verified', 'dismissed'].map(statusClass)).toEqual(['ok', 'warn', 'bad'])
  })
})

describe('the categories', () => {
  it('are the seven the API takes, each with its Chinese name', () => {
    expect(CATEGORIES.map((c) => c.name)).toEqual(['为老', '助残', '家政', '青少年', '文体', '志愿服务', '其他'])
  })
})
