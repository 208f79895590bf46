// Paying online, as the server does it (src/orders/payments.cpp): the buyer asks to pay a
// checkout (all its orders still unpaid) and gets a prepay id from the provider; they
// approve it on the provider's page (the sandbox stands in for WeChat Pay or Alipay); the
// provider then tells the server, a moment later, and only that notification makes the
// orders paid. Until it arrives the mall asks the checkout what is left to pay.
import { outcomeUnknown } from './orders.js'

// How the buyer pays: online through the provider, or cash to the store or courier, who
// confirm it in the console.
export const kPaymentMethods = ['online', 'cash']

export const kPayPollIntervalMs = 500
// The notification comes within about a second; after this the page stops asking.
export const kPayPollTimeoutMs = 30_000

const sleepFor = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// Where the provider's page stands, from the prepay (GET /sandbox/prepays/{id}) and its
// checkout (GET /checkouts/{id}):
// - 'pay': waiting for the buyer to approve it;
// - 'waiting': approved, the notification not applied yet;
// - 'done': approved and nothing of the checkout is left to pay;
// - 'nothing': not approved, but nothing is left to pay (paid in cash, or cancelled);
// - 'stale': not approved, and the amount left to pay is no longer the prepay's (an order
//   of the checkout was cancelled or paid meanwhile): a new prepay is needed.
export function prepayState(prepay, checkout) {
  if (prepay?.status === 'paid') return checkout?.payable_fen === 0 ? 'done' : 'waiting'
  if (checkout?.payable_fen === 0) return 'nothing'
  if (checkout && checkout.payable_fen !== prepay?.amount_fen) return 'stale'
  return 'pay'
}

// Asks `load()` for the checkout every `intervalMs` until nothing of it is left to pay.
// Resolves to that checkout, or to null once `timeoutMs` has passed or `stopped()` says
// the wait is over (the buyer left the page). An answer that may not have come for want of
// a network is asked again; any other refusal rejects.
export async function waitUntilPaid(
  load,
  {
    intervalMs = kPayPollIntervalMs,
    timeoutMs = kPayPollTimeoutMs,
    stopped = () => false,
    sleep = sleepFor,
    now = () => Date.now(),
  } = {},
) {
  const until = now() + timeoutMs
  for (;;) {
    if (stopped()) return null
    try {
      const checkout = await load()
      if (checkout.payable_fen === 0) return checkout
    } catch (error) {
      if (!outcomeUnknown(error)) throw error
    }
    if (stopped() || now() + intervalMs > until) return null
    await sleep(intervalMs)
  }
}
