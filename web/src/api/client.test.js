import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, ApiError, apiUrl, setCsrfToken } from './client.js'

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

function answer(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

describe('api.upload', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    setCsrfToken('')
  })

  it('sends the raw bytes with their type and the CSRF token', async () => {
    const fetch = vi.fn().mockResolvedValue(answer(201, { imported: 2 }))
    vi.stubGlobal('fetch', fetch)
    setCsrfToken('t0ken')
    const file = new Blob(['village_code,head_name\r\n'])

    expect(await api.upload('/import/households', file, 'text/csv')).toEqual({ imported: 2 })
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/api/v1/import/households')
    expect(init.method).toBe('POST')
    expect(init.body).toBe(file)
    expect(init.headers).toMatchObject({ 'Content-Type': 'text/csv', 'X-CSRF-Token': 't0ken' })
  })

  it('hands over the row report of a rejected import', async () => {
    const rows = [{ row: 3, field: 'head_name', message: 'head_name is required' }]
    vi.stubGlobal(
      'fetch',
      vi.fn().mockResolvedValue(answer(422, { error: { code: 'validation_failed', message: '1 row(s)', rows } })),
    )
    const failure = await api.upload('/import/households', new Blob([]), 'text/csv').catch((error) => error)
    expect(failure).toBeInstanceOf(ApiError)
    expect(failure.status).toBe(422)
    expect(failure.rows).toEqual(rows)
  })
})

describe('api.patch', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('sends JSON and names the field at fault on failure', async () => {
    const fetch = vi.fn().mockResolvedValue(answer(422, { error: { code: 'validation_failed', field: 'phone' } }))
    vi.stubGlobal('fetch', fetch)
    const failure = await api.patch('/households/1', { phone: '1' }).catch((error) => error)
    expect(fetch.mock.calls[0][1]).toMatchObject({ method: 'PATCH', body: '{"phone":"1"}' })
    expect(failure.field).toBe('phone')
    expect(failure.rows).toEqual([])
    expect(failure.violations).toEqual([])
  })
})

describe('api.put', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('hands over every violation of a refused dispatch plan', async () => {
    const violations = [{ kind: 'capacity', message: 'over capacity', vehicle_id: 3, task_id: 9 }]
    const error = { code: 'plan_violations', message: 'over capacity', field: 'runs', violations }
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(answer(422, { error })))
    const failure = await api.put('/dispatch/waves/1/plan', { runs: [] }).catch((caught) => caught)
    expect(failure.code).toBe('plan_violations')
    expect(failure.violations).toEqual(violations)
  })
})

describe('api.put and api.delete', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    setCsrfToken('')
  })

  it('puts JSON with the CSRF token and returns the answer', async () => {
    const fetch = vi.fn().mockResolvedValue(answer(200, { stores: [], total_fen: 0, count: 0 }))
    vi.stubGlobal('fetch', fetch)
    setCsrfToken('t0ken')
    expect(await api.put('/cart/items/12', { quantity: 2 })).toEqual({ stores: [], total_fen: 0, count: 0 })
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/api/v1/cart/items/12')
    expect(init).toMatchObject({ method: 'PUT', body: '{"quantity":2}' })
    expect(init.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-CSRF-Token': 't0ken' })
  })

  it('deletes without a body and resolves to null on 204', async () => {
    // As the server answers: labelled JSON, with no body.
    const fetch = vi
      .fn()
      .mockResolvedValue(new Response(null, { status: 204, headers: { 'Content-Type': 'application/json' } }))
    vi.stubGlobal('fetch', fetch)
    setCsrfToken('t0ken')
    expect(await api.delete('/addresses/3')).toBeNull()
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/api/v1/addresses/3')
    expect(init.method).toBe('DELETE')
    expect(init.body).toBeUndefined()
    expect(init.headers).not.toHaveProperty('Content-Type')
    expect(init.headers).toMatchObject({ 'X-CSRF-Token': 't0ken' })
  })
})

describe('api.post', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    setCsrfToken('')
  })

  it("adds the endpoint's own headers to the session's", async () => {
    const fetch = vi.fn().mockResolvedValue(answer(201, { checkout_id: 4 }))
    vi.stubGlobal('fetch', fetch)
    setCsrfToken('t0ken')
    await api.post('/orders', { address_id: 1 }, { headers: { 'Idempotency-Key': 'k-1' } })
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/api/v1/orders')
    expect(init.headers).toMatchObject({
      'Idempotency-Key': 'k-1',
      'Content-Type': 'application/json',
      'X-CSRF-Token': 't0ken',
    })
  })
})

describe('api.resolve', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('asks the Digital Link path itself for JSON, outside /api/v1', async () => {
    const fetch = vi.fn().mockResolvedValue(answer(200, { lot_number: 'CX-0915' }))
    vi.stubGlobal('fetch', fetch)
    expect(await api.resolve('/01/06901234567892/10/CX-0915')).toEqual({ lot_number: 'CX-0915' })
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/01/06901234567892/10/CX-0915')
    expect(init.headers).toMatchObject({ Accept: 'application/json' })
  })

  it('asks as a preview for the console, which is not counted as a scan', async () => {
    const fetch = vi.fn().mockResolvedValue(answer(200, { lot_number: 'CX-0915' }))
    vi.stubGlobal('fetch', fetch)
    await api.resolve('/01/06901234567892/10/CX-0915', { preview: true })
    expect(fetch.mock.calls[0][0]).toBe('/01/06901234567892/10/CX-0915?preview=1')
  })

  it('hands over a 404 for an unknown code', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(answer(404, { error: { code: 'not_found', message: 'no' } })))
    const failure = await api.resolve('/01/06901234567892/10/NOPE').catch((error) => error)
    expect(failure).toBeInstanceOf(ApiError)
    expect(failure.status).toBe(404)
  })
})
