/**
 * 困难救助 on the phone: amounts typed in 元 and sent in 分, the ID number checked before sending, the
 * checklist of materials against what was uploaded (the history as a timeline: src/timeline.ts).
 */

/** "3000" / "3000.5" / "3000.50" 元 → 300050 分; null for anything else (empty, negative, 3 decimals). */
export function yuanToFen(typed: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(typed.trim())
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
}

/** 300050 → "3,000.50 元"; "" for none. */
export function fenToYuan(fen?: number | null): string {
  if (fen === null || fen === undefined) return ''
  const yuan = (fen / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${yuan} 元`
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

/** What is wrong with a typed 居民身份证号码 (GB 11643 check digit), or '' when it is right. */
export function idNumberProblem(typed: string): string {
  const id = typed.trim().toUpperCase()
  if (!id) return '请填写身份证号码'
  if (!/^\d{17}[\dX]$/.test(id)) return '身份证号码应为 18 位'
  const sum = ID_WEIGHTS.reduce((total, weight, i) => total + weight * Number(id[i]), 0)
  return ID_CHECK[sum % 11] === id[17] ? '' : '身份证号码有误，请核对'
}

/** A mainland mobile number (11 digits starting with 1) or a landline with its area code. */
export function phoneProblem(typed: string): string {
  const phone = typed.trim()
  if (!phone) return '请填写联系电话'
  return /^1\d{10}$/.test(phone) || /^0\d{2,3}-?\d{7,8}$/.test(phone) ? '' : '联系电话格式有误'
}

/** The checklist items no file was uploaded for yet. */
export function stillMissing(checklist: string[], attached: { material: string }[]): string[] {
  const have = new Set(attached.map((a) => a.material))
  return checklist.filter((item) => !have.has(item))
}

const DECIDED = ['granted', 'rejected', 'withdrawn']

/** An application may be withdrawn until it is decided. */
export const canWithdraw = (status?: string) => Boolean(status) && !DECIDED.includes(status ?? '')

export function statusClass(status?: string): string {
  if (status === 'granted') return 'ok'
  if (status === 'rejected' || status === 'withdrawn') return 'bad'
  if (status === 'incomplete') return 'warn'
  return ''
}

/** The category's terms in one line: "15 个工作日 · 需入户核查 · 公示 7 天 · 上限 30,000.00 元". */
export function categoryTerms(c: {
  deadline_working_days?: number
  needs_visit?: boolean
  publicity_days?: number
  max_amount?: number | null
  emergency_allowed?: boolean
}): string {
  const parts: string[] = []
  if (c.deadline_working_days) parts.push(`${c.deadline_working_days} 个工作日办结`)
  if (c.needs_visit) parts.push('需入户核查')
  if (c.publicity_days) parts.push(`公示 ${c.publicity_days} 天`)
  if (c.max_amount !== null && c.max_amount !== undefined) parts.push(`上限 ${fenToYuan(c.max_amount)}`)
  if (c.emergency_allowed) parts.push('可先行救助')
  return parts.join(' · ')
}
