import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Action, api, ApiError, getToken, imageDataUrl, login, MAX_ATTEMPTS, setToken } from '../src/api'
import { envelope, installUni } from './uni'

let platform: ReturnType<typeof installUni>

beforeEach(() => {
  platform = installUni()
})

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('the token', () => {
  it('goes on every request once logged in', async () => {
    platform.reply({ statusCode: 200, data: { token: 't-123', user: { id: 1 } } }, { statusCode: 200, data: { id: 1 } })
    await login('dev:resident:1')
    await api.get('/api/v1/me')
    expect(getToken()).toBe('t-123')
    expect(platform.sent[1].header.Authorization).toBe('Bearer t-123')
  })

  it('is not sent before login', async () => {
    platform.reply({ statusCode: 200, data: { items: [] } })
    await api.get('/api/v1/communities')
    expect(platform.sent[0].header.Authorization).toBeUndefined()
  })
})

describe('paths and queries', () => {
  it('fills path parameters and leaves out empty query values', async () => {
    platform.reply({ statusCode: 200, data: { items: [] } })
    await api.get('/api/v1/communities/{community_id}/buildings', {
      params: { community_id: 7 },
      query: { limit: 100, cursor: undefined },
    })
    expect(platform.sent[0].url).toBe('/api/v1/communities/7/buildings?limit=100')
  })

  it('encodes query values', async () => {
    platform.reply({ statusCode: 200, data: { items: [] } })
    await api.get('/api/v1/services/guides', { query: { q: '老年证 办理' } })
    expect(platform.sent[0].url).toBe(`/api/v1/services/guides?q=${encodeURIComponent('老年证 办理')}`)
  })
})

describe('the Idempotency-Key', () => {
  it('is on every POST and never on a GET', async () => {
    platform.reply({ statusCode: 201, data: {} }, { statusCode: 200, data: {} })
    await api.post('/api/v1/me/subscriptions', { template_keys: ['residency_result'] })
    await api.get('/api/v1/me')
    expect(platform.sent[0].header['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/)
    expect(platform.sent[1].header['Idempotency-Key']).toBeUndefined()
  })

  it('differs between two actions', async () => {
    platform.reply({ statusCode: 201 }, { statusCode: 201 })
    await api.post('/api/v1/me/subscriptions', { template_keys: ['residency_result'] })
    await api.post('/api/v1/me/subscriptions', { template_keys: ['residency_result'] })
    expect(platform.sent[0].header['Idempotency-Key']).not.toBe(platform.sent[1].header['Idempotency-Key'])
  })

  it('is kept when the user taps again after a network failure', async () => {
    const action = new Action()
    const body = { community_id: 1, building_id: 1, room: '3单元502', real_name: '刘洋' }
    platform.reply('network-failure', { statusCode: 201, data: { id: 9 } })
    await expect(api.post('/api/v1/me/residency', body, { action })).rejects.toMatchObject({ code: 'NETWORK_ERROR' })
    await api.post('/api/v1/me/residency', body, { action })
    expect(platform.sent[1].header['Idempotency-Key']).toBe(platform.sent[0].header['Idempotency-Key'])
  })

  it('is new once the server answered the action', async () => {
    const action = new Action()
    const body = { template_keys: ['residency_result' as const] }
    platform.reply({ statusCode: 201 }, { statusCode: 201 })
    await api.post('/api/v1/me/subscriptions', body, { action })
    await api.post('/api/v1/me/subscriptions', body, { action })
    expect(platform.sent[1].header['Idempotency-Key']).not.toBe(platform.sent[0].header['Idempotency-Key'])
  })

  it('is new when the retried form was changed', async () => {
    const action = new Action()
    platform.reply('network-failure', { statusCode: 201 })
    const first = { community_id: 1, building_id: 1, room: '502', real_name: '刘洋' }
    await api.post('/api/v1/me/residency', first, { action }).catch(() => undefined)
    await api.post('/api/v1/me/residency', { ...first, room: '503' }, { action })
    expect(platform.sent[1].header['Idempotency-Key']).not.toBe(platform.sent[0].header['Idempotency-Key'])
  })
})

describe('errors', () => {
  it('show the client message for a code it knows', async () => {
    platform.reply({ statusCode: 409, data: envelope('RESIDENCY_PENDING', '您已有待审核的居民认证申请') })
    const error = await api.get('/api/v1/me').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 409, code: 'RESIDENCY_PENDING', requestId: 'req-1' })
    expect((error as ApiError).message).toBe('您已有待审核的居民认证申请，请耐心等待网格员审核')
  })

  it("show the server's message for a code the client does not list", async () => {
    platform.reply({ statusCode: 409, data: envelope('SLOT_CLOSED_FOR_TEST', '该时段已停止预约') })
    await expect(api.get('/api/v1/me')).rejects.toMatchObject({ message: '该时段已停止预约' })
  })

  it('keep the details of a validation error', async () => {
    const details = { fields: { room: ['不能为空'] } }
    platform.reply({ statusCode: 422, data: envelope('VALIDATION_ERROR', '请求参数有误', details) })
    await expect(api.get('/api/v1/me')).rejects.toMatchObject({ details, message: '填写的内容有误，请检查后再提交' })
  })

  it('without an envelope still give a message', async () => {
    platform.reply({ statusCode: 502, data: '<html>Bad Gateway</html>' })
    await expect(api.get('/api/v1/me')).rejects.toMatchObject({ code: 'HTTP_502', message: '操作失败，请稍后再试' })
  })
})

describe('401', () => {
  it('drops the token and sends the user to login', async () => {
    setToken('old')
    platform.reply({ statusCode: 401, data: envelope('TOKEN_INVALID', '登录已失效，请重新登录') })
    await expect(api.get('/api/v1/me')).rejects.toMatchObject({ status: 401 })
    expect(getToken()).toBe('')
    expect(platform.relaunched).toEqual(['/pages/login/login'])
  })

  it('without a token also sends the user to login', async () => {
    platform.reply({ statusCode: 401, data: envelope('TOKEN_MISSING', '请先登录') })
    await expect(api.get('/api/v1/me')).rejects.toMatchObject({ message: '请先登录' })
    expect(platform.relaunched).toEqual(['/pages/login/login'])
  })

  it('from the login itself stays on the login page (a refused WeChat code)', async () => {
    platform.reply({ statusCode: 401, data: envelope('WECHAT_CODE_USED', '微信登录凭证已被使用') })
    await expect(login('dev:resident')).rejects.toMatchObject({ message: '微信登录失败，请重试' })
    expect(platform.relaunched).toEqual([])
  })
})

describe('429', () => {
  it('waits Retry-After seconds and tries again with the same key', async () => {
    vi.useFakeTimers()
    platform.reply(
      { statusCode: 429, data: envelope('RATE_LIMITED', '操作过于频繁'), header: { 'retry-after': '2' } },
      { statusCode: 201, data: { id: 3 } },
    )
    const answer = api.post('/api/v1/me/subscriptions', { template_keys: ['residency_result'] })
    await vi.advanceTimersByTimeAsync(1900)
    expect(platform.sent).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(200)
    await expect(answer).resolves.toEqual({ id: 3 })
    expect(platform.sent).toHaveLength(2)
    expect(platform.sent[1].header['Idempotency-Key']).toBe(platform.sent[0].header['Idempotency-Key'])
  })

  it('gives up after a bounded number of tries', async () => {
    vi.useFakeTimers()
    const limited = { statusCode: 429, data: envelope('RATE_LIMITED', '操作过于频繁'), header: { 'Retry-After': '1' } }
    platform.reply(...Array.from({ length: MAX_ATTEMPTS + 2 }, () => limited))
    const answer = api.get('/api/v1/me').catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(await answer).toMatchObject({ status: 429, message: '操作太频繁了，请稍后再试' })
    expect(platform.sent).toHaveLength(MAX_ATTEMPTS)
  })

  it('does not wait a minute on a phone: a long Retry-After fails at once', async () => {
    platform.reply({ statusCode: 429, data: envelope('RATE_LIMITED', '操作过于频繁'), header: { 'Retry-After': '60' } })
    await expect(api.get('/api/v1/me')).rejects.toMatchObject({ status: 429 })
    expect(platform.sent).toHaveLength(1)
  })
})

describe('an image the API answers', () => {
  it('comes as a data URL, fetched with the token', async () => {
    setToken('t-1')
    platform.reply({ statusCode: 200, data: new Uint8Array([137, 80, 78, 71]).buffer })
    const src = await imageDataUrl('/api/v1/services/bookings/{booking_id}/qr.png', { params: { booking_id: 4 } })
    expect(src).toBe('data:image/png;base64,iVBORw==')
    expect(platform.sent[0]).toMatchObject({ url: '/api/v1/services/bookings/4/qr.png', header: { Authorization: 'Bearer t-1' } })
  })

  it('refused, gives the error of its envelope', async () => {
    const body = new TextEncoder().encode(JSON.stringify(envelope('BOOKING_NOT_FOUND', '预约不存在')))
    platform.reply({ statusCode: 404, data: body.buffer })
    await expect(imageDataUrl('/api/v1/services/bookings/{booking_id}/qr.png', { params: { booking_id: 4 } })).rejects.toMatchObject({
      code: 'BOOKING_NOT_FOUND',
      message: '预约不存在',
    })
  })
})

// Contract checks done by `npm run typecheck` (tests/ is type-checked): a path, body or answer field
// that is not in the OpenAPI document is a build error.
export async function contract() {
  // @ts-expect-error: no such path
  await api.get('/api/v1/no-such-path')
  // @ts-expect-error: room is required
  await api.post('/api/v1/me/residency', { community_id: 1, building_id: 1, real_name: '刘洋' })
  const me = await api.get('/api/v1/me')
  // @ts-expect-error: Me has no such field
  return me.no_such_field
}
