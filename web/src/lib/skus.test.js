import { describe, expect, it } from 'vitest'
import { skuLabel } from './skus.js'

describe('skuLabel', () => {
  it('joins the attribute values', () => {
    expect(skuLabel({ 规格: '袋', 重量: '500g' }, 'LN-012')).toBe('袋 / 500g')
  })

  it('falls back on the code', () => {
    expect(skuLabel({}, 'LN-012')).toBe('LN-012')
    expect(skuLabel(null, 'LN-012')).toBe('LN-012')
  })
})
