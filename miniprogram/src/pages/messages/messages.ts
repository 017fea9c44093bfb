/** Pure helpers of the 建言献策 / 信箱留言 pages. */

export type Kind = 'suggestion' | 'mailbox'

export const MAX_CONTENT = 2000

export const KINDS: { kind: Kind; title: string; hint: string }[] = [
  { kind: 'suggestion', title: '建言献策', hint: '对社区建设、服务管理的意见和建议' },
  { kind: 'mailbox', title: '信箱留言', hint: '写给社区书记的信，仅社区工作人员可见' },
]

/** The text as the API takes it: the control characters it refuses removed (line breaks and tabs kept),
 * blank lines at both ends trimmed. */
export function cleanContent(typed: string): string {
  return typed.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').trim()
}

/** Why the text cannot be sent yet, or '' when it can. */
export function contentProblem(typed: string): string {
  const content = cleanContent(typed)
  if (!content) return '请填写内容'
  if (content.length > MAX_CONTENT) return `内容不能超过${MAX_CONTENT}字（现有${content.length}字）`
  return ''
}

/** The body of POST /services/messages: only a suggestion may be published, so only it carries consent. */
export function messageBody(communityId: number, kind: Kind, typed: string, publishConsent: boolean) {
  const body = { community_id: communityId, kind, content: cleanContent(typed) }
  return kind === 'suggestion' ? { ...body, publish_consent: publishConsent } : body
}

/** A message's tag in 我的留言: held text waits for review before anything else. */
export function messageTag(m: { held?: boolean; status?: string; status_name?: string }): { label: string; kind: string } {
  if (m.held) return { label: '待审核', kind: 'warn' }
  if (m.status === 'replied') return { label: m.status_name || '已回复', kind: 'ok' }
  return { label: m.status_name || '待回复', kind: 'warn' }
}
