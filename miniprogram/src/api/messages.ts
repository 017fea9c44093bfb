/**
 * What the user reads for an error `code`. The server's message (Chinese, from the error classes)
 * is the fallback; a code is listed here when the client can say it better on a phone screen.
 * Pages add the codes of their own journeys here.
 */
export const NETWORK_MESSAGE = '网络不给力，请检查网络后重试'

export const MESSAGES: Record<string, string> = {
  NETWORK_ERROR: NETWORK_MESSAGE,
  TOKEN_MISSING: '请先登录',
  TOKEN_INVALID: '登录已过期，请重新登录',
  WECHAT_CODE_INVALID: '微信登录失败，请重试',
  WECHAT_CODE_USED: '微信登录失败，请重试',
  RATE_LIMITED: '操作太频繁了，请稍后再试',
  WECHAT_RATE_LIMITED: '操作太频繁了，请稍后再试',
  VALIDATION_ERROR: '填写的内容有误，请检查后再提交',
  IDEMPOTENCY_IN_PROGRESS: '正在提交，请稍候',
  INTERNAL_ERROR: '系统开小差了，请稍后再试',
  SERVICE_UNAVAILABLE: '系统繁忙，请稍后再试',
  STAFF_ONLY: '仅限社区工作人员使用',
  RESIDENCY_PENDING: '您已有待审核的居民认证申请，请耐心等待网格员审核',
  ALREADY_DECIDED: '该申请已由其他工作人员处理',
}

export const FALLBACK_MESSAGE = '操作失败，请稍后再试'

export function messageFor(code: string, serverMessage?: string): string {
  return MESSAGES[code] ?? serverMessage ?? FALLBACK_MESSAGE
}
