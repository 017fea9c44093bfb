import { api } from './index'
import type { RequestBody } from './index'

export type TemplateKey = RequestBody<'/api/v1/me/subscriptions', 'post'>['template_keys'][number]

/**
 * WeChat's template ids by the platform's template keys, set at build time for the WeChat build
 * (VITE_WECHAT_TEMPLATES='{"residency_result": "<template id>", ...}', the same ids as the server's
 * WECHAT_TEMPLATES): the API does not tell them.
 */
function templateIds(): Record<string, string> {
  try {
    return JSON.parse(import.meta.env.VITE_WECHAT_TEMPLATES || '{}') as Record<string, string>
  } catch {
    return {}
  }
}

/**
 * Ask for one-time consents to be told (subscribe messages) and report the accepted ones to the platform.
 * In WeChat the user answers WeChat's own dialog (it must follow a tap); in H5 there is no such dialog
 * and the keys are reported as accepted (the development stand-in records the messages).
 * Never fails: being told is optional.
 */
export async function askConsent(keys: TemplateKey[]): Promise<void> {
  let accepted: TemplateKey[] = keys
  if (process.env.UNI_PLATFORM === 'mp-weixin') {
    const ids = templateIds()
    const wanted = keys.filter((key) => ids[key])
    if (!wanted.length) return
    const answer = await new Promise<Record<string, string>>((resolve) =>
      uni.requestSubscribeMessage({
        tmplIds: wanted.map((key) => ids[key]),
        success: (res) => resolve(res as unknown as Record<string, string>),
        fail: () => resolve({}),
      } as UniNamespace.RequestSubscribeMessageOption),
    )
    accepted = wanted.filter((key) => answer[ids[key]] === 'accept')
  }
  if (!accepted.length) return
  await api.post('/api/v1/me/subscriptions', { template_keys: accepted }).catch(() => undefined)
}
