// Checking out, across visits to the checkout page: the buyer's choices (address,
// delivery mode, note, paying online or in cash) survive a detour to add an address, and
// the Idempotency-Key of an attempt whose answer was lost survives until it is retried
// (see lib/orders.js). The last checkout's answer is kept for the orders page to announce.
import { defineStore } from 'pinia'
import { reactive, ref, watch } from 'vue'
import { api, ApiError } from '../api/client.js'
import { describeError, i18n } from '../i18n/index.js'
import { createCheckoutAttempts, outcomeUnknown, shortStockOf } from '../lib/orders.js'
import { kPaymentMethods } from '../lib/payments.js'
import { useSessionStore } from '../session.js'
import { useCartStore } from './cart.js'

// The text for a checkout that failed. The server's messages are in English; the usual
// refusals get the buyer's language.
export function describeCheckoutError(error) {
  const { t } = i18n.global
  if (error instanceof ApiError && error.status === 409) {
    const short = shortStockOf(error.message)
    if (short) return t('mall.checkout.outOfStock', short)
  }
  if (error instanceof ApiError && error.status === 422 && error.field === 'cart') return t('mall.checkout.nothing')
  if (outcomeUnknown(error)) return t('mall.checkout.outcomeUnknown')
  return describeError(error)
}

function emptyDraft() {
  return { addressId: null, deliveryMode: '', note: '', paymentMethod: kPaymentMethods[0] }
}

export const useCheckoutStore = defineStore('checkout', () => {
  const session = useSessionStore()
  const cart = useCartStore()

  // paymentMethod is the mall's own: the server makes the same orders either way, and an
  // order is paid online (POST /checkouts/{id}/pay) or in cash confirmed in the console.
  const draft = reactive(emptyDraft())
  // The buyer's address ids when they went to add one: the new one is chosen on return.
  const knownAddressIds = ref(null)
  // POST /orders' answer: {checkout_id, total_fen, orders}.
  const lastCheckout = ref(null)
  let attempts = createCheckoutAttempts()

  // Places the order as drafted. Resolves to the server's answer; rejects with its error.
  async function place() {
    const body = { address_id: draft.addressId, delivery_mode: draft.deliveryMode }
    const note = draft.note.trim()
    if (note) body.note = note
    const key = attempts.keyFor(body)
    let answer
    try {
      answer = await api.post('/orders', body, { headers: { 'Idempotency-Key': key } })
    } catch (error) {
      attempts.settle(error)
      // A refusal for want of stock: the cart shows which lines are short now.
      if (!outcomeUnknown(error)) cart.load().catch(() => {})
      throw error
    }
    attempts.settle()
    lastCheckout.value = answer
    draft.note = ''
    knownAddressIds.value = null
    cart.load().catch(() => {})
    return answer
  }

  // Someone else signs in: nothing of the last buyer's checkout carries over.
  watch(
    () => session.user?.id,
    () => {
      Object.assign(draft, emptyDraft())
      knownAddressIds.value = null
      lastCheckout.value = null
      attempts = createCheckoutAttempts()
    },
  )

  return { draft, knownAddressIds, lastCheckout, place }
})
