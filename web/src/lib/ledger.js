// The payout ledger as the console shows it (src/orders/ledger.cpp): every paid order
// credits each item's producer with its price less the county's commission, the platform
// with the commission and the store with the freight; a refund posts the same accounts
// back, negative. Commission rates are basis points (1 bp = 0.01 %) per county and
// category, the most specific category winning, 0 being the county's default.
export const kLedgerAccounts = ['producer', 'platform', 'store']
export const kLedgerKinds = ['sale', 'refund']
export const kSummaryBy = ['store', 'producer', 'day']

// The server takes rates of 0 to 50 %.
export const kMaxRateBp = 5000
// Rates are whole basis points: the percent shown has at most two decimals.
export const kRatePercentDecimals = 2

export function bpToPercent(bp) {
  return bp / 100
}

// 2.5 → 250. Rounds to the nearest basis point, since 0.29 * 100 is 28.999999999999996.
export function percentToBp(percent) {
  return Math.round(Number(percent) * 100)
}

// 250 → "2.5%", 1000 → "10%", 5 → "0.05%".
export function formatRate(bp) {
  return `${Number(bpToPercent(bp).toFixed(kRatePercentDecimals))}%`
}

// The date (YYYY-MM-DD) of epoch ms `time` in Asia/Shanghai, where the ledger's days are.
export function shanghaiDate(time) {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(time))
  const part = (type) => parts.find((candidate) => candidate.type === type).value
  return `${part('year')}-${part('month')}-${part('day')}`
}

function addDays(date, days) {
  const [year, month, day] = date.split('-').map(Number)
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10)
}

// The periods offered beside the date range, as [from, to] (both included) at `now`:
// 'week' the last 7 days, 'month' this month so far, 'lastMonth' the month before.
export function periodOf(kind, now = Date.now()) {
  const today = shanghaiDate(now)
  const firstOfMonth = `${today.slice(0, 8)}01`
  if (kind === 'week') return [addDays(today, -6), today]
  if (kind === 'month') return [firstOfMonth, today]
  if (kind === 'lastMonth') {
    const lastDay = addDays(firstOfMonth, -1)
    return [`${lastDay.slice(0, 8)}01`, lastDay]
  }
  throw new Error(`no period ${kind}`)
}

// The money columns of a summary added up (orders are not: an order may have several
// producers, or a sale and a refund on different days).
export function sumSummary(items) {
  const sums = { sales_fen: 0, refunds_fen: 0, net_fen: 0 }
  for (const item of items ?? []) {
    for (const key of Object.keys(sums)) sums[key] += item[key] ?? 0
  }
  return sums
}
