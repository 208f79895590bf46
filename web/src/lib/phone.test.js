import { describe, expect, it } from 'vitest'
import { kMobilePattern, maskPhone } from './phone.js'

describe('kMobilePattern', () => {
  it('takes mainland mobile numbers only', () => {
    expect(kMobilePattern.test('13800000001')).toBe(true)
    expect(kMobilePattern.test('12800000001')).toBe(false)
    expect(kMobilePattern.test('1380000000')).toBe(false)
    expect(kMobilePattern.test('138000000011')).toBe(false)
  })
})

describe('maskPhone', () => {
  it('hides the middle four digits', () => {
    expect(maskPhone('13800000001')).toBe('138****0001')
  })

  it('leaves other text alone', () => {
    expect(maskPhone('')).toBe('')
    expect(maskPhone(undefined)).toBe('')
    expect(maskPhone('0939-1234567')).toBe('0939-1234567')
  })
})
