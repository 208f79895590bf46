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

// The fields of `edited` whose values differ from `original`, compared by content: what a
// PATCH sends when only the fields the user changed should go to the server.
export function changedFields(original, edited) {
  const changed = {}
  for (const [key, value] of Object.entries(edited))
    if (JSON.stringify(value) !== JSON.stringify(original[key])) changed[key] = value
  return changed
}
