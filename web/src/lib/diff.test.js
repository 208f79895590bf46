import { describe, expect, it } from 'vitest'
import { changedFields, diffObjects } from './diff.js'

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

describe('changedFields', () => {
  it('keeps only what the user changed', () => {
    const original = { head_name: '王海军', phone: '', members: [{ name: '胡金凤', relation: '配偶' }] }
    expect(changedFields(original, { ...original, phone: '18338800372' })).toEqual({ phone: '18338800372' })
    expect(changedFields(original, { ...original })).toEqual({})
  })

  it('compares lists by content', () => {
    const original = { members: [{ name: '胡金凤', relation: '配偶' }] }
    expect(changedFields(original, { members: [{ name: '胡金凤', relation: '配偶' }] })).toEqual({})
    expect(changedFields(original, { members: [] })).toEqual({ members: [] })
  })
})
