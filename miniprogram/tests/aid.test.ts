import { describe, expect, it } from 'vitest'
import {
  canWithdraw,
  categoryTerms,
  fenToYuan,
  idNumberProblem,
  phoneProblem,
  statusClass,
  stillMissing,
  yuanToFen,
} from '../src/pages/aid/aid'
import { timeline } from '../src/timeline'

describe('aid amounts', () => {
  it('are typed in 元 and sent in 分', () => {
    expect(yuanToFen('3000')).toBe(300000)
    expect(yuanToFen(' 3000.5 ')).toBe(300050)
    expect(yuanToFen('0.05')).toBe(5)
  })

  it('refuse what is not an amount', () => {
    for (const typed of ['', '-1', '1.234', '12a', '１２']) expect(yuanToFen(typed)).toBeNull()
  })

  it('read back in 元 with thousands separators', () => {
    expect(fenToYuan(300050)).toBe('3,000.50 元')
    expect(fenToYuan(5)).toBe('0.05 元')
    expect(fenToYuan(null)).toBe('')
  })
})

describe('the applicant', () => {
  it('has an ID number with the right check digit', () => {
    expect(idNumberProblem('610302199001011232')).toBe('')
    expect(idNumberProblem('610302199001011233')).toBe('身份证号码有误，请核对')
    expect(idNumberProblem('6103021990')).toBe('身份证号码应为 18 位')
    expect(idNumberProblem(' ')).toBe('请填写身份证号码')
  })

  it('accepts a lower-case x as the check digit', () => {
    // 11010519491231002X is the standard's own example
    expect(idNumberProblem('11010519491231002x')).toBe('')
  })

  it('gives a phone number to call', () => {
    expect(phoneProblem('13800001234')).toBe('')
    expect(phoneProblem('0917-3212345')).toBe('')
    expect(phoneProblem('12345')).toBe('联系电话格式有误')
  })
})

describe('materials', () => {
  it('lists the checklist items without a file, in the checklist order', () => {
    expect(stillMissing(['身份证', '户口簿', '诊断证明'], [{ material: '户口簿' }])).toEqual(['身份证', '诊断证明'])
  })
})

describe('the progress timeline', () => {
  it('reads the history in order, in Beijing time, the latest step highlighted', () => {
    const steps = timeline([
      { action_name: '提交申请', status_name: '待受理', by: '申请人', at: '2026-12-07T00:00:00+00:00' },
      { action_name: '社区受理', status_name: '社区审核', by: '网格员', note: '将入户核查', at: '2026-12-07T01:30:00+00:00' },
    ])
    expect(steps.map((s) => [s.title, s.when, s.latest])).toEqual([
      ['提交申请', '12月7日 08:00', false],
      ['社区受理', '12月7日 09:30', true],
    ])
    expect(steps[1].note).toBe('将入户核查')
  })

  it('lets the applicant withdraw until the application is decided', () => {
    expect(['submitted', 'incomplete', 'review', 'publicity', 'street_review'].every(canWithdraw)).toBe(true)
    expect(['granted', 'rejected', 'withdrawn'].some(canWithdraw)).toBe(false)
    expect(['granted', 'rejected', 'incomplete'].map(statusClass)).toEqual(['ok', 'bad', 'warn'])
  })
})

describe('a category', () => {
  it('says its terms in one line', () => {
    expect(
      categoryTerms({ deadline_working_days: 15, needs_visit: true, publicity_days: 7, max_amount: 3000000, emergency_allowed: true }),
    ).toBe('15 个工作日办结 · 需入户核查 · 公示 7 天 · 上限 30,000.00 元 · 可先行救助')
    expect(categoryTerms({ deadline_working_days: 5, publicity_days: 0, max_amount: null })).toBe('5 个工作日办结')
  })
})
