/**
 * 群众点单 on the phone: the 五单 progress (点单 → 派单 → 接单 → 办单 → 评单) read from a demand's status,
 * the categories a resident picks from, and what may be done with a finished demand.
 */
import type { components } from '../../api'

export type Category = components['schemas']['DemandCreate']['category']

/** The categories of DemandCreate (the API lists no categories; the type keeps these keys in step). */
export const CATEGORIES: { key: Category; name: string }[] = [
  { key: 'elderly', name: '为老' },
  { key: 'disability', name: '助残' },
  { key: 'housekeeping', name: '家政' },
  { key: 'youth', name: '青少年' },
  { key: 'culture', name: '文体' },
  { key: 'volunteer', name: '志愿服务' },
  { key: 'other', name: '其他' },
]

export const FIVE_STEPS = ['点单', '派单', '接单', '办单', '评单'] as const

export type StepState = 'done' | 'current' | 'todo'

/** How many of the five steps are done at each status (办单 stays current until the street verifies it). */
const DONE_AT: Record<string, number> = { submitted: 1, dispatched: 2, accepted: 3, done: 3, verified: 4, rated: 5 }

/** The five steps with their state; null for a demand that left the flow (不予受理, 已合并). */
export function fiveSteps(status?: string): { name: string; state: StepState }[] | null {
  const done = DONE_AT[status ?? '']
  if (done === undefined) return null
  return FIVE_STEPS.map((name, i) => ({ name, state: i < done ? 'done' : i === done ? 'current' : 'todo' }))
}

/** What the resident is waiting for, in words. */
export function waitingFor(status?: string): string {
  return (
    {
      submitted: '等待社区下单',
      dispatched: '等待承办组织接单',
      accepted: '承办组织正在办理',
      done: '已报结，等待街道验收',
      verified: '已办结，请您评价',
      rated: '已办结',
      dismissed: '社区不予受理',
      merged: '已合并到相同诉求一并办理',
    }[status ?? ''] ?? ''
  )
}

/** A verified demand is rated (or reopened, once) by the resident. */
export const canRate = (status?: string) => status === 'verified'
export const canReopen = (d: { status?: string; reopened?: boolean }) => d.status === 'verified' && !d.reopened

/** 4 → "★★★★☆". */
export function stars(rating?: number | null): string {
  const n = Math.max(0, Math.min(5, Math.round(rating ?? 0)))
  return '★'.repeat(n) + '☆'.repeat(5 - n)
}

export function statusClass(status?: string): string {
  if (status === 'rated') return 'ok'
  if (status === 'verified') return 'warn'
  if (status === 'dismissed' || status === 'merged') return 'bad'
  return ''
}
