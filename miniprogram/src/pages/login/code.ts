/**
 * A stand-in code works once, as WeChat's do: `dev:newcomer` (login) or `phone:13800001234` (phone number)
 * typed twice would be refused the second time, so a nonce is added unless the person typed one
 * (`dev:<name>:<anything>`, `phone:<number>:<anything>`). Anything else (a real WeChat code) is kept.
 */
export function freshDevCode(typed: string): string {
  const code = typed.trim()
  if (!/^(dev|phone):/.test(code) || code.split(':').length > 2) return code
  return `${code}:${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`
}
