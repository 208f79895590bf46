// Field-by-field comparison of an audit record's `before` and `after` objects
// (either may be null: creation or deletion). Returns only the fields that differ.
export function diffObjects(before, after) {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])
  const changes = []
  for (const key of keys) {
    const old = before?.[key]
    const now = after?.[key]
    if (JSON.stringify(old) !== JSON.stringify(now)) changes.push({ key, before: old, after: now })
  }
  return changes
}
