/**
 * A stand-in login code works once, as WeChat's do: `dev:newcomer` typed twice would be refused the
 * second time, so a nonce is added unless the person typed one (`dev:<name>:<anything>`).
 */
export function freshDevCode(typed: string): string {
  const code = typed.trim()
  if (!code.startsWith('dev:') || code.split(':').length > 2) return code
  return `${code}:${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`
}
