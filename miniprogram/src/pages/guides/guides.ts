/** Pure helpers of the 办事指南 pages. */

/** The search words as the API takes them (`q`: printable characters only): trimmed, inner runs of
 * spaces and control characters made one space, at most 50 characters; undefined when empty. */
export function searchWords(typed: string): string | undefined {
  const words = typed
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 50)
  return words || undefined
}

/** The category chips: 全部 first, then the categories with their counts. */
export function categoryChips(categories: { category?: string; count?: number }[]): { value: string; label: string }[] {
  return [
    { value: '', label: '全部' },
    ...categories
      .filter((c) => c.category)
      .map((c) => ({ value: c.category as string, label: `${c.category}（${c.count ?? 0}）` })),
  ]
}
