import { describe, expect, it } from 'vitest'
import { localPath } from './redirect.js'

describe('localPath', () => {
  it('keeps a path of this site with its query', () => {
    expect(localPath('/products/12?sku=3', '/me')).toBe('/products/12?sku=3')
    expect(localPath('/cart')).toBe('/cart')
  })

  it('refuses other sites and non-strings', () => {
    expect(localPath('https://example.com/', '/me')).toBe('/me')
    expect(localPath('//example.com/', '/me')).toBe('/me')
    expect(localPath('/\\example.com', '/me')).toBe('/me')
    expect(localPath(['/cart'], '/me')).toBe('/me')
    expect(localPath(undefined)).toBe('/')
  })
})
