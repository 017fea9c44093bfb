/**
 * A stand-in for the uni-app platform (`uni.request`, storage, navigation) in vitest: answers are queued
 * per test and every request is recorded. This replaces the platform, not our code.
 */
import { vi } from 'vitest'

export interface Sent {
  url: string
  method: string
  header: Record<string, string>
  data: unknown
}

type Reply = { statusCode: number; data?: unknown; header?: Record<string, string> } | 'network-failure'

export function installUni() {
  const storage = new Map<string, unknown>()
  const sent: Sent[] = []
  const replies: Reply[] = []
  const relaunched: string[] = []
  let route = 'pages/index/index'
  const uni = {
    request: vi.fn((options: UniApp.RequestOptions) => {
      sent.push({
        url: options.url,
        method: options.method ?? 'GET',
        header: { ...(options.header as Record<string, string>) },
        data: options.data,
      })
      const reply = replies.shift() ?? { statusCode: 200, data: {} }
      queueMicrotask(() => {
        if (reply === 'network-failure') options.fail?.({ errMsg: 'request:fail' } as UniApp.GeneralCallbackResult)
        else options.success?.({ statusCode: reply.statusCode, data: reply.data ?? {}, header: reply.header ?? {} } as UniApp.RequestSuccessCallbackResult)
      })
    }),
    arrayBufferToBase64: (buffer: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))),
    getStorageSync: (key: string) => storage.get(key) ?? '',
    setStorageSync: (key: string, value: unknown) => void storage.set(key, value),
    removeStorageSync: (key: string) => void storage.delete(key),
    reLaunch: vi.fn((options: { url: string }) => {
      relaunched.push(options.url)
      route = options.url.replace(/^\//, '')
    }),
  }
  vi.stubGlobal('uni', uni)
  vi.stubGlobal('getCurrentPages', () => [{ route }])
  return {
    storage,
    sent,
    relaunched,
    reply: (...more: Reply[]) => replies.push(...more),
    at: (page: string) => (route = page),
  }
}

export function envelope(code: string, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details, request_id: 'req-1' } }
}
