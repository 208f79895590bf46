// Shared by the browser tests: the server under test, the demo accounts, a JSON client
// for setting up through the API, and a headless Chromium that reports what it saw
// when a test fails.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'

const require = createRequire(new URL('../../web/package.json', import.meta.url))
const { chromium } = require('playwright-core')

if (!process.env.LONGNAN_URL) {
  throw new Error(
    'LONGNAN_URL is not set: start the Longnan server with demo data and set LONGNAN_URL=http://127.0.0.1:PORT',
  )
}
export const baseUrl = process.env.LONGNAN_URL.replace(/\/+$/, '')

export const kPassword = 'Longnan2026!'
export const kAccounts = {
  buyer: '13800000001',
  chengxianStoreKeeper: '13800000002',
  chengxianSupplier: '13800000003',
  chengxianCourier: '13800000005',
  chengxianCountyAdmin: '13800000006',
  cityAdmin: '13800000007',
  auditor: '13800000008',
  wenxianCountyAdmin: '13800000009',
}

const kChromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
]
const kTimeoutMs = 10_000
export const kPhone = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
}
export const kDesktop = { viewport: { width: 1366, height: 860 } }

// A signed-in API session (cookie + CSRF token), for arranging what a test needs.
export async function apiLogin(phone) {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ phone, password: kPassword }),
  })
  const body = await readJson(response, `POST /auth/login as ${phone}`)
  const setCookies =
    typeof response.headers.getSetCookie === 'function'
      ? response.headers.getSetCookie()
      : [response.headers.get('set-cookie') ?? '']
  const cookie = setCookies
    .map((line) => line.split(';')[0])
    .filter(Boolean)
    .join('; ')
  assert.ok(cookie, `POST /auth/login as ${phone} set no cookie`)

  // `extraHeaders`: headers an endpoint asks for besides the session's (Idempotency-Key).
  async function call(method, apiPath, payload, extraHeaders = {}) {
    const headers = { ...extraHeaders, Cookie: cookie }
    if (method !== 'GET') headers['X-CSRF-Token'] = body.csrf_token
    if (payload !== undefined) headers['Content-Type'] = 'application/json'
    const answer = await fetch(`${baseUrl}/api/v1${apiPath}`, {
      method,
      headers,
      body: payload === undefined ? undefined : JSON.stringify(payload),
    })
    return readJson(answer, `${method} ${apiPath} as ${phone}`)
  }

  return {
    user: body.user,
    get: (apiPath) => call('GET', apiPath),
    post: (apiPath, payload = {}, headers = {}) => call('POST', apiPath, payload, headers),
    put: (apiPath, payload) => call('PUT', apiPath, payload),
    patch: (apiPath, payload) => call('PATCH', apiPath, payload),
    delete: (apiPath) => call('DELETE', apiPath),
  }
}

async function readJson(response, what) {
  const text = await response.text()
  assert.ok(response.ok, `${what} answered HTTP ${response.status}: ${text.slice(0, 500)}`)
  // 204 No Content (a DELETE) has no body.
  return text ? JSON.parse(text) : null
}

// Runs `body(page)` in a fresh headless Chromium profile and always closes it. On failure
// the error gains the page's URL, a screenshot path and the page's own errors.
export async function withBrowser(testContext, options, body) {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'longnan-e2e-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: kChromiumArgs,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...options,
  })
  const page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(kTimeoutMs)
  const pageErrors = []
  page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`)
  })

  try {
    await body(page)
  } catch (error) {
    const name = testContext.name.replace(/[^\w-]+/g, '_').slice(0, 60)
    const screenshot = path.join(os.tmpdir(), `longnan-e2e-${name}.png`)
    const saved = await page.screenshot({ path: screenshot, fullPage: true }).then(
      () => screenshot,
      () => 'not taken',
    )
    error.message += `\n    at page ${page.url()}\n    screenshot: ${saved}`
    if (pageErrors.length) error.message += `\n    ${pageErrors.join('\n    ')}`
    throw error
  } finally {
    await context.close()
    await rm(userDataDir, { recursive: true, force: true })
  }
}

// Signs in on the console's login form, which the console shows in place of any page
// while nobody is signed in, and waits until the console greets the user.
export async function signIn(page, phone) {
  await page.locator('[data-test=login-phone]').fill(phone)
  await page.locator('[data-test=login-password]').fill(kPassword)
  await page.locator('[data-test=login-submit]').click()
  await page.locator('[data-test=current-user], [data-test=login-error]').first().waitFor()
  const loginError = page.locator('[data-test=login-error]')
  if (await loginError.count()) assert.fail(`sign-in as ${phone} failed: ${await loginError.innerText()}`)
}

// Resolves with the first response whose path is `apiPath` (and whose query has `query`).
export function nextApiResponse(page, apiPath, query = {}) {
  return page.waitForResponse((response) => {
    const url = new URL(response.url())
    if (url.pathname !== `/api/v1${apiPath}`) return false
    return Object.entries(query).every(([key, value]) => url.searchParams.get(key) === String(value))
  })
}
