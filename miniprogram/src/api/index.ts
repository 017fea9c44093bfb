/**
 * The one way the client talks to the platform: `api.get` / `api.post` (typed from the OpenAPI
 * document, src/api/schema.d.ts) and `upload`.
 *
 * - the bearer token from uni storage goes on every request;
 * - every POST carries an Idempotency-Key; an `Action` keeps its key across retries of the same
 *   action (the automatic ones below and the user tapping again after a network failure), so the
 *   server does the work once;
 * - an error answer becomes an `ApiError` with a Chinese message for its `code` (the server's own
 *   message when the client has none);
 * - 401 (but from the login itself): the token is dropped and the user sent to the login page;
 * - 429 (and 503 with Retry-After, 409 IDEMPOTENCY_IN_PROGRESS): waits Retry-After seconds and tries
 *   again, a bounded number of times.
 */
import type { paths } from './schema'
import { API_BASE, LOGIN_PAGE } from '../config'
import { messageFor, NETWORK_MESSAGE } from './messages'

export type { components } from './schema'

export const TOKEN_KEY = 'token'
const LOGIN_PATH = '/api/v1/auth/login'
export const MAX_ATTEMPTS = 3
export const MAX_WAIT_SECONDS = 30

type Method = 'get' | 'post'
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>

/** The API paths that have an operation for `M`. */
export type PathsFor<M extends Method> = {
  [P in keyof paths]: [NonNullable<paths[P][M]>] extends [never] ? never : P
}[keyof paths]

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never
/** The JSON body of the operation's 200 or 201 answer. */
export type Answer<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R }
    ? R extends { 200: infer Ok }
      ? JsonOf<Ok>
      : R extends { 201: infer Created }
        ? JsonOf<Created>
        : unknown
    : never
export type RequestBody<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never
export type Query<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never
export type PathParams<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: { path: infer X } } ? X : never

interface Options<P extends keyof paths, M extends Method> {
  /** Values for the `{...}` parts of the path. */
  params?: PathParams<P, M>
  query?: Query<P, M>
}

interface PostOptions<P extends keyof paths> extends Options<P, 'post'> {
  /** The user's action this POST belongs to: its Idempotency-Key survives a failed try. */
  action?: Action
}

/** An error answer (or no answer at all: status 0, code NETWORK_ERROR). `message` is for the user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly requestId?: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/**
 * One thing the user does that may need several tries (tapping 提交 again after a timeout). Create one
 * per form or button; the key is kept until the server answered the POST, and renewed when the body
 * changes (the same key with another body would be refused).
 */
export class Action {
  private key = ''
  private body = ''

  keyFor(body: string): string {
    if (!this.key || body !== this.body) {
      this.key = newKey()
      this.body = body
    }
    return this.key
  }

  /** The server answered: the next tap is a new action. */
  answered(): void {
    this.key = ''
  }
}

export function newKey(): string {
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('')
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(Math.random() * 4)]}${hex(3)}-${hex(12)}`
}

export function getToken(): string {
  return (uni.getStorageSync(TOKEN_KEY) as string) || ''
}

export function setToken(token: string): void {
  uni.setStorageSync(TOKEN_KEY, token)
}

export function clearToken(): void {
  uni.removeStorageSync(TOKEN_KEY)
}

function fillPath(path: string, params?: unknown): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = (params as Record<string, unknown> | undefined)?.[name]
    if (value === undefined || value === null) throw new Error(`missing path parameter ${name}`)
    return encodeURIComponent(String(value))
  })
}

function queryString(query?: unknown): string {
  const parts = Object.entries((query ?? {}) as Record<string, unknown>)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === wanted) return String(value)
  }
  return undefined
}

interface RawAnswer {
  statusCode: number
  data: unknown
  header?: Record<string, unknown>
}

function send(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: unknown) {
  return new Promise<RawAnswer>((resolve, reject) => {
    uni.request({
      url,
      method,
      data: body as UniApp.RequestOptions['data'],
      header: headers,
      dataType: 'json',
      success: (res) =>
        resolve({ statusCode: res.statusCode, data: res.data, header: res.header as Record<string, unknown> }),
      fail: (err) => reject(err),
    })
  })
}

const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000))

/** How long to wait before trying again, or null when the answer is final. */
function retryAfter(answer: RawAnswer): number | null {
  const code = errorOf(answer.data).code
  const waitable =
    answer.statusCode === 429 ||
    (answer.statusCode === 503 && header(answer.header, 'Retry-After') !== undefined) ||
    (answer.statusCode === 409 && code === 'IDEMPOTENCY_IN_PROGRESS')
  if (!waitable) return null
  const seconds = Number(header(answer.header, 'Retry-After') ?? 1)
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : 1
}

function errorOf(data: unknown): { code?: string; message?: string; details?: Record<string, unknown>; request_id?: string } {
  if (data && typeof data === 'object' && 'error' in data) {
    const error = (data as { error: unknown }).error
    if (error && typeof error === 'object') return error as ReturnType<typeof errorOf>
  }
  return {}
}

function toError(answer: RawAnswer): ApiError {
  const error = errorOf(answer.data)
  const code = error.code ?? `HTTP_${answer.statusCode}`
  return new ApiError(answer.statusCode, code, messageFor(code, error.message), error.details ?? {}, error.request_id)
}

function currentRoute(): string {
  const pages = typeof getCurrentPages === 'function' ? getCurrentPages() : []
  const last = pages[pages.length - 1] as { route?: string } | undefined
  return last?.route ? `/${last.route}` : ''
}

/** The token is no longer good: forget it and go to the login page (once, not from the login page). */
function sendToLogin(): void {
  clearToken()
  if (currentRoute() !== LOGIN_PAGE) uni.reLaunch({ url: LOGIN_PAGE })
}

async function request(
  method: 'GET' | 'POST',
  path: string,
  options: { params?: unknown; query?: unknown; body?: unknown; action?: Action },
): Promise<unknown> {
  const url = API_BASE + fillPath(path, options.params) + queryString(options.query)
  const headers: Record<string, string> = { Accept: 'application/json' }
  const token = getToken()
  if (token) headers.Authorization = `Bearer ${token}`
  const action = options.action ?? new Action()
  if (method === 'POST') {
    headers['Content-Type'] = 'application/json'
    headers['Idempotency-Key'] = action.keyFor(JSON.stringify(options.body ?? null))
  }
  for (let attempt = 1; ; attempt++) {
    let answer: RawAnswer
    try {
      answer = await send(method, url, headers, options.body)
    } catch {
      // no answer: the work may or may not be done; the action keeps its key for the next tap
      throw new ApiError(0, 'NETWORK_ERROR', NETWORK_MESSAGE)
    }
    const wait = retryAfter(answer)
    if (wait !== null && attempt < MAX_ATTEMPTS && wait <= MAX_WAIT_SECONDS) {
      await sleep(wait)
      continue
    }
    if (wait === null) action.answered()
    if (answer.statusCode >= 200 && answer.statusCode < 300) return answer.data
    if (answer.statusCode === 401 && path !== LOGIN_PATH) sendToLogin()
    throw toError(answer)
  }
}

export const api = {
  get<P extends PathsFor<'get'>>(path: P, options: Options<P, 'get'> = {}): Promise<Answer<P, 'get'>> {
    return request('GET', path, options) as Promise<Answer<P, 'get'>>
  },
  post<P extends PathsFor<'post'>>(
    path: P,
    body?: RequestBody<P, 'post'>,
    options: PostOptions<P> = {},
  ): Promise<Answer<P, 'post'>> {
    return request('POST', path, { ...options, body }) as Promise<Answer<P, 'post'>>
  },
}

/**
 * A PNG the API answers (a booking's or a pickup's QR code) as a data: URL for `<image :src>`: an image
 * element cannot send the bearer token, so the picture is fetched here.
 */
export async function imageDataUrl<P extends PathsFor<'get'>>(path: P, options: Options<P, 'get'> = {}): Promise<string> {
  const url = API_BASE + fillPath(path, options.params) + queryString(options.query)
  const token = getToken()
  const answer = await new Promise<RawAnswer>((resolve, reject) =>
    uni.request({
      url,
      method: 'GET',
      header: token ? { Authorization: `Bearer ${token}` } : {},
      responseType: 'arraybuffer',
      success: (res) => resolve({ statusCode: res.statusCode, data: res.data, header: res.header as Record<string, unknown> }),
      fail: () => reject(new ApiError(0, 'NETWORK_ERROR', NETWORK_MESSAGE)),
    }),
  )
  if (answer.statusCode >= 200 && answer.statusCode < 300) {
    return `data:image/png;base64,${uni.arrayBufferToBase64(answer.data as ArrayBuffer)}`
  }
  if (answer.statusCode === 401) sendToLogin()
  let data: unknown = {}
  try {
    data = JSON.parse(new TextDecoder().decode(answer.data as ArrayBuffer))
  } catch {
    // not the envelope
  }
  throw toError({ ...answer, data })
}

type Upload = Answer<'/api/v1/services/uploads', 'post'>

/** Upload an image or PDF (a path from uni.chooseImage / chooseMessageFile); its id goes into forms. */
export function upload(filePath: string, action: Action = new Action()): Promise<Upload> {
  const token = getToken()
  return new Promise<Upload>((resolve, reject) => {
    uni.uploadFile({
      url: `${API_BASE}/api/v1/services/uploads`,
      filePath,
      name: 'file',
      header: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        'Idempotency-Key': action.keyFor(filePath),
      },
      success: (res) => {
        const data = JSON.parse(res.data || '{}') as unknown
        const answer = { statusCode: res.statusCode, data }
        action.answered()
        if (res.statusCode >= 200 && res.statusCode < 300) return resolve(data as Upload)
        if (res.statusCode === 401) sendToLogin()
        reject(toError(answer))
      },
      fail: () => reject(new ApiError(0, 'NETWORK_ERROR', NETWORK_MESSAGE)),
    })
  })
}

/** Log in with a WeChat code (`uni.login`, or `dev:<name>` on the development stand-in). */
export async function login(code: string): Promise<Answer<'/api/v1/auth/login', 'post'>> {
  const result = await api.post('/api/v1/auth/login', { code })
  if (result.token) setToken(result.token)
  return result
}

/** Revoke the token on the server (best effort) and forget it here. */
export async function logout(): Promise<void> {
  try {
    if (getToken()) await api.post('/api/v1/auth/logout')
  } catch {
    // the token is forgotten either way
  }
  clearToken()
}
