/**
 * Every item of a cursor-paginated list, following `next_cursor` (for short lists a picker needs whole,
 * such as the communities of the city or the buildings of a community). Bounded by `maxPages`.
 */
export async function allItems<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ items?: T[]; next_cursor?: string | null }>,
  maxPages = 10,
): Promise<T[]> {
  const items: T[] = []
  let cursor: string | undefined
  for (let page = 0; page < maxPages; page++) {
    const answer = await fetchPage(cursor)
    items.push(...(answer.items ?? []))
    if (!answer.next_cursor) break
    cursor = answer.next_cursor
  }
  return items
}
