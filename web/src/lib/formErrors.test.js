import { describe, expect, it } from 'vitest'
import { formPropFor } from './formErrors.js'

describe('formPropFor', () => {
  const props = ['head_name', 'members', 'skus.0.price_fen', 'skus.1.price_fen', 'skus.1.stock']

  it('finds a plain field', () => {
    expect(formPropFor('head_name', props)).toBe('head_name')
  })

  it('turns list indexes into prop paths', () => {
    expect(formPropFor('skus[1].price_fen', props)).toBe('skus.1.price_fen')
  })

  it('falls back to the enclosing item', () => {
    expect(formPropFor('members.name', props)).toBe('members')
    expect(formPropFor('members[3].relation', props)).toBe('members')
  })

  it('answers nothing for a field the form does not show', () => {
    expect(formPropFor('platform_id', props)).toBe('')
    expect(formPropFor('skus[2].code', props)).toBe('')
    expect(formPropFor('', props)).toBe('')
    expect(formPropFor(undefined, props)).toBe('')
  })
})
