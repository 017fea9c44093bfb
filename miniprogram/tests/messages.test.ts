import { describe, expect, it } from 'vitest'
import { cleanContent, contentProblem, messageBody, messageTag } from '../src/pages/messages/messages'

describe('writing to the community', () => {
  it('sends the text without the characters the API refuses, line breaks kept', () => {
    expect(cleanContent('  建议增设\u0000充电桩\n谢谢\u202e ')).toBe('建议增设充电桩\n谢谢')
  })

  it('says what is wrong before sending', () => {
    expect(contentProblem('   ')).toBe('请填写内容')
    expect(contentProblem('建'.repeat(2001))).toBe('内容不能超过2000字（现有2001字）')
    expect(contentProblem('建议在小区增设电动车充电桩')).toBe('')
  })

  it('asks to publish a suggestion only, never a mailbox letter', () => {
    expect(messageBody(1, 'suggestion', ' 增设充电桩 ', true)).toEqual({
      community_id: 1,
      kind: 'suggestion',
      content: '增设充电桩',
      publish_consent: true,
    })
    expect(messageBody(1, 'mailbox', '书记您好', true)).toEqual({ community_id: 1, kind: 'mailbox', content: '书记您好' })
  })
})

describe('a message in 我的留言', () => {
  it('shows held text as under review, then its status', () => {
    expect(messageTag({ held: true, status: 'waiting' })).toEqual({ label: '待审核', kind: 'warn' })
    expect(messageTag({ status: 'waiting', status_name: '待回复' })).toEqual({ label: '待回复', kind: 'warn' })
    expect(messageTag({ status: 'replied', status_name: '已回复' })).toEqual({ label: '已回复', kind: 'ok' })
  })
})
