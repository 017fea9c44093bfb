/**
 * The home page's grid. A section whose page exists has its `url`; one without is shown as 即将上线.
 * Pages added later put their entry here (one line each) and their page in pages.json.
 * `staff`: shown only to a user with a linked staff account (grid workers and community staff).
 */
export interface Section {
  title: string
  /** One character in the round badge. */
  badge: string
  url?: string
  staff?: boolean
}

export const SECTIONS: Section[] = [
  { title: '居民认证', badge: '证', url: '/pages/residency/residency' },
  { title: '通知公告', badge: '告', url: '/pages/notices/list' },
  { title: '办事指南', badge: '指', url: '/pages/guides/search' },
  { title: '预约服务', badge: '约', url: '/pages/booking/services' },
  { title: '困难救助', badge: '助', url: '/pages/aid/aid' },
  { title: '群众点单', badge: '单', url: '/pages/demands/demands' },
  { title: '建言献策', badge: '言', url: '/pages/messages/messages' },
  { title: '党员报到', badge: '党', url: '/pages/party/report' },
  { title: '志愿服务', badge: '志', url: '/pages/volunteer/index' },
  { title: '我的云柜', badge: '柜', url: '/pages/lockers/lockers' },
  { title: '网格员工作台', badge: '格', url: '/pages/grid/queue', staff: true },
]

export function visibleSections(isStaff: boolean): Section[] {
  return SECTIONS.filter((section) => isStaff || !section.staff)
}
