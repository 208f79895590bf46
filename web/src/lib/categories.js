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
