// The one HTTP client for /api/v1: JSON in and out (or a file's raw bytes in), the session
// cookie, the CSRF header on state-changing requests, and the server's error shape as ApiError.

const kBase = '/api/v1'

let csrfToken = ''
let unauthorizedHandler = () => {}

export class ApiError extends Error {
  constructor(status, { code = 'http_error', message, field = '', rows = [], violations = [] } = {}) {
    super(message || `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    // The request field at fault (`head_name`, `skus[0].price_fen`), when the server named one.
    this.field = field
    // Rejected imports: every row at fault, as {row, field, message} (the header is row 1).
    this.rows = rows
    // A refused dispatch plan (plan_violations): every violation, as {kind, message,
    // vehicle_id, task_id}.
    this.violations = violations
  }
}

// Called after login or session restore; cleared on logout.
export function setCsrfToken(token) {
  csrfToken = token || ''
}

// `handler` runs when a request made inside a session is answered 401 (the session expired).
export function onUnauthorized(handler) {
  unauthorizedHandler = handler
}

// Drops empty values so that `?q=&page=1` becomes `?page=1`.
export function toSearchParams(query = {}) {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  return params
}

export function apiUrl(path, query) {
  const search = toSearchParams(query).toString()
  return search ? `${kBase}${path}?${search}` : `${kBase}${path}`
}

// `body` is sent as JSON; `file` ({data: Blob, contentType}) is sent as it is; `headers`
// adds request headers of the endpoint's own (such as checkout's Idempotency-Key); `url`
// replaces the /api/v1 address made of `path` (the Digital Link resolver's paths).
async function request(method, path, { query, body, file, headers: extraHeaders, url } = {}) {
  const headers = { ...extraHeaders, Accept: 'application/json' }
  if (file) headers['Content-Type'] = file.contentType
  else if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  const hadSession = csrfToken !== ''

  let response
  try {
    response = await fetch(url ?? apiUrl(path, query), {
      method,
      headers,
      credentials: 'same-origin',
      body: file ? file.data : body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ApiError(0, { code: 'network', message: '' })
  }

  const isJson = (response.headers.get('Content-Type') || '').includes('application/json')
  // A 204 has no body, though the server labels it JSON.
  const payload = isJson && response.status !== 204 ? await response.json() : null
  if (response.ok) return payload

  if (response.status === 401 && hadSession) unauthorizedHandler()
  throw new ApiError(response.status, payload?.error ?? { message: response.statusText })
}

export const api = {
  get: (path, query) => request('GET', path, { query }),
  // `options.headers`: headers the endpoint asks for besides the session's.
  post: (path, body = {}, { headers } = {}) => request('POST', path, { body, headers }),
  patch: (path, body) => request('PATCH', path, { body }),
  put: (path, body) => request('PUT', path, { body }),
  // Resolves to null for the usual 204 answer.
  delete: (path) => request('DELETE', path),
  // POSTs a file's bytes as the body (imports, pictures, evidence), typed `contentType`.
  upload: (path, data, contentType) => request('POST', path, { file: { data, contentType } }),
  // The data behind a printed code: GET /01/{gtin}/10/{lot}[/21/{serial}] on this origin,
  // asked for as JSON (a browser asking for HTML gets the scan page). `preview`: staff
  // looking at a lot, not counted as a scan of its code.
  resolve: (path, { preview = false } = {}) => request('GET', path, { url: preview ? `${path}?preview=1` : path }),
}

// A file of the API (a lot's QR code) as a Blob, fetched with the session's cookie.
export async function fetchBlob(path, query) {
  let response
  try {
    response = await fetch(apiUrl(path, query), { credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, { code: 'network', message: '' })
  }
  if (!response.ok) throw new ApiError(response.status, { message: response.statusText })
  return response.blob()
}
