import { describe, expect, it } from 'vitest'
import { apiUrl } from './client.js'

describe('apiUrl', () => {
  it('prefixes the API path and drops empty filters', () => {
    expect(apiUrl('/households', { q: '', village_code: null, poverty_status: 'registered', page: 1 })).toBe(
      '/api/v1/households?poverty_status=registered&page=1',
    )
  })

  it('encodes Chinese search terms', () => {
    expect(apiUrl('/products', { q: '花椒' })).toBe('/api/v1/products?q=%E8%8A%B1%E6%A4%92')
  })

  it('leaves out the question mark when there is no query', () => {
    expect(apiUrl('/brands')).toBe('/api/v1/brands')
  })
})
