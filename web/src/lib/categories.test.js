import { describe, expect, it } from 'vitest'
import { buildCategoryTree, categoryPath, findCategory } from './categories.js'

const kFlat = [
  { id: 1, parent_id: null, level: 1, name: '调味品' },
  { id: 2, parent_id: 1, level: 2, name: '香辛料' },
  { id: 3, parent_id: 2, level: 3, name: '花椒' },
  { id: 4, parent_id: null, level: 1, name: '坚果干货' },
  { id: 5, parent_id: 4, level: 2, name: '核桃' },
  { id: 6, parent_id: 99, level: 2, name: '孤儿' },
]

describe('buildCategoryTree', () => {
  it('nests the three levels in server order', () => {
    const tree = buildCategoryTree(kFlat)
    expect(tree.map((node) => node.name)).toEqual(['调味品', '坚果干货', '孤儿'])
    expect(tree[0].children[0].children[0].name).toBe('花椒')
    expect(tree[1].children.map((node) => node.id)).toEqual([5])
  })

  it('does not change its input', () => {
    buildCategoryTree(kFlat)
    expect(kFlat[0]).not.toHaveProperty('children')
  })
})

describe('findCategory', () => {
  it('finds a node at any depth', () => {
    const tree = buildCategoryTree(kFlat)
    expect(findCategory(tree, 3).name).toBe('花椒')
    expect(findCategory(tree, 42)).toBeUndefined()
  })
})

describe('categoryPath', () => {
  it('lists the ancestors first', () => {
    expect(categoryPath(kFlat, 3).map((node) => node.name)).toEqual(['调味品', '香辛料', '花椒'])
    expect(categoryPath(kFlat, 1).map((node) => node.id)).toEqual([1])
  })

  it('ends at a missing parent, and is empty for an unknown id', () => {
    expect(categoryPath(kFlat, 6).map((node) => node.id)).toEqual([6])
    expect(categoryPath(kFlat, 42)).toEqual([])
  })

  it('does not go round a loop', () => {
    const loop = [
      { id: 1, parent_id: 2, name: 'a' },
      { id: 2, parent_id: 1, name: 'b' },
    ]
    expect(categoryPath(loop, 1).map((node) => node.id)).toEqual([2, 1])
  })
})
