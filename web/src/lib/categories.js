// Turns the flat category list of GET /categories into a tree ordered as the server sent it.
// Invariants: every node appears once; a node whose parent is missing becomes a root.
export function buildCategoryTree(categories) {
  const nodes = new Map(categories.map((category) => [category.id, { ...category, children: [] }]))
  const roots = []
  for (const node of nodes.values()) {
    const parent = node.parent_id == null ? undefined : nodes.get(node.parent_id)
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  return roots
}

export function findCategory(tree, id) {
  for (const node of tree) {
    if (node.id === id) return node
    const found = findCategory(node.children, id)
    if (found) return found
  }
  return undefined
}

// The category `id` and its ancestors in the flat list, the top one first; empty for an
// unknown id. Stops at a loop rather than going round it.
export function categoryPath(categories, id) {
  const byId = new Map(categories.map((category) => [category.id, category]))
  const path = []
  for (let node = byId.get(id); node && !path.includes(node); node = byId.get(node.parent_id)) path.unshift(node)
  return path
}
