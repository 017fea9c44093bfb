import { beijingTime } from './pages/lockers/deposits' // "12月10日 08:12"

export interface Step {
  title: string
  status: string
  by: string
  note: string
  when: string
  latest: boolean
}

/** The history (oldest first, as the API gives it) as timeline rows; the latest is highlighted. */
export function timeline(
  history: { action_name?: string; status_name?: string; by?: string; note?: string; at?: string }[],
): Step[] {
  return history.map((h, i) => ({
    title: h.action_name ?? '',
    status: h.status_name ?? '',
    by: h.by ?? '',
    note: h.note ?? '',
    when: beijingTime(h.at),
    latest: i === history.length - 1,
  }))
}
