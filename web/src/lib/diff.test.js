import { describe, expect, it } from 'vitest'
import { diffObjects } from './diff.js'

describe('diffObjects', () => {
  it('lists only the fields that changed', () => {
    expect(diffObjects({ status: 'store_accepted', name: '核桃' }, { status: 'listed', name: '核桃' })).toEqual([
      { key: 'status', before: 'store_accepted', after: 'listed' },
    ])
  })

  it('treats a missing side as creation or deletion', () => {
    expect(diffObjects(null, { name: '蜂蜜' })).toEqual([{ key: 'name', before: undefined, after: '蜂蜜' }])
    expect(diffObjects({ name: '蜂蜜' }, null)).toEqual([{ key: 'name', before: '蜂蜜', after: undefined }])
    expect(diffObjects(null, null)).toEqual([])
  })

  it('compares nested values by content', () => {
    expect(diffObjects({ attrs: { 规格: '500g' } }, { attrs: { 规格: '500g' } })).toEqual([])
    expect(diffObjects({ attrs: { 规格: '500g' } }, { attrs: { 规格: '1kg' } })).toHaveLength(1)
  })
})
