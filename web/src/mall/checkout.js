// Checking out, across visits to the checkout page: the buyer's choices (address,
// delivery mode and window, note, paying online or in cash, a village agent's villager)
// survive a detour to add an address, and the Idempotency-Key of an attempt whose answer
// was lost survives until it is retried (see lib/orders.js). The last checkout's answer is
// kept for the orders page to announce. The cart's checkout and a sale's (one SKU of a sale
// event, 立即抢购) share all of it; both ask the server for a quote (goods, freight, total)
// first.
import { defineStore } from 'pinia'
import { showDialog, showSuccessToast, showToast } from 'vant'
import { computed, reactive, ref, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRouter } from 'vue-router'
import { api, ApiError } from '../api/client.js'
import { describeError, i18n } from '../i18n/index.js'
import { unreachableModes } from '../lib/address.js'
import {
  checkoutBody,
  createCheckoutAttempts,
  localModeRefusalOf,
  outcomeUnknown,
  quoteBlocks,
  quoteBody,
  shortStockOf,
} from '../lib/orders.js'
import { kPaymentMethods } from '../lib/payments.js'
import { saleRefusalOf } from '../lib/saleEvents.js'
import { useSessionStore } from '../session.js'
import { useCartStore } from './cart.js'
import { goToPayment, startPayment } from './payment.js'

// The text for a checkout (or a quote) that failed. The server's messages are in English;
// the usual refusals get the buyer's language.
export function describeCheckoutError(error) {
  const { t } = i18n.global
  if (error instanceof ApiError && error.status === 409) {
    const short = shortStockOf(error.message)
    if (short) return t('mall.checkout.outOfStock', short)
    const refusal = saleRefusalOf(error.message)
    if (refusal) return t(`mall.sale.refusal.${refusal.reason}`, { limit: refusal.limit ?? 0 })
  }
  if (error instanceof ApiError && error.status === 422) {
    if (error.field === 'cart') return t('mall.checkout.nothing')
    if (error.field === 'address_id' && /deliver/.test(error.message)) return t('mall.checkout.noDelivery')
    const local = error.field === 'delivery_mode' ? localModeRefusalOf(error.message) : null
    if (local) return t('mall.checkout.localModeRefused', local)
    if (error.field.startsWith('delivery_window')) return t('mall.checkout.window.refused')
  }
  if (error instanceof ApiError && error.status === 403 && !error.field) return t('mall.checkout.agentForbidden')
  if (outcomeUnknown(error)) return t('mall.checkout.outcomeUnknown')
  return describeError(error)
}

function emptyAgent() {
  return { on: false, name: '', householdId: null }
}

function emptyDraft() {
  return {
    addressId: null,
    deliveryMode: '',
    // The delivery window chosen ({day, slot}; same-city and village-point delivery), or
    // null: as soon as possible, within two days.
    deliveryWindow: null,
    note: '',
    paymentMethod: kPaymentMethods[0],
    // 为村民代购: a store keeper orders for a villager (on_behalf_of).
    agent: emptyAgent(),
  }
}

export const useCheckoutStore = defineStore('checkout', () => {
  const session = useSessionStore()
  const cart = useCartStore()

  // paymentMethod: online orders are paid at once (POST /checkouts/{id}/pay); cash ones are
  // cash-on-delivery orders, paid when the goods are handed over.
  const draft = reactive(emptyDraft())
  // The buyer's address ids when they went to add one: the new one is chosen on return.
  const knownAddressIds = ref(null)
  // POST /orders' answer: {checkout_id, total_fen, orders}.
  const lastCheckout = ref(null)
  let attempts = createCheckoutAttempts()

  // Whether the signed-in user may order for a villager: store keepers only.
  const mayActAsAgent = () => session.user?.role === 'store_keeper'

  // The body of POST /orders as drafted; with `sale` ({event_id, sku_id, quantity}) for
  // one SKU of a sale event instead of the cart.
  function body(sale = null) {
    return checkoutBody({
      addressId: draft.addressId,
      deliveryMode: draft.deliveryMode,
      note: draft.note,
      agent: mayActAsAgent() && draft.agent.on ? draft.agent : null,
      sale,
      paymentMethod: draft.paymentMethod,
      deliveryWindow: draft.deliveryWindow,
    })
  }

  // Places the order as drafted. Resolves to the server's answer; rejects with its error.
  async function place(sale = null) {
    const wanted = body(sale)
    const key = attempts.keyFor(wanted)
    let answer
    try {
      answer = await api.post('/orders', wanted, { headers: { 'Idempotency-Key': key } })
    } catch (error) {
      attempts.settle(error)
      // A window that closed meanwhile: the buyer chooses again.
      if (error instanceof ApiError && error.field?.startsWith('delivery_window')) draft.deliveryWindow = null
      // A refusal for want of stock: the cart shows which lines are short now.
      if (!sale && !outcomeUnknown(error)) cart.load().catch(() => {})
      throw error
    }
    attempts.settle()
    lastCheckout.value = answer
    draft.note = ''
    draft.deliveryWindow = null
    Object.assign(draft.agent, emptyAgent())
    knownAddressIds.value = null
    if (!sale) cart.load().catch(() => {})
    return answer
  }

  // The address to start with among the buyer's `addresses`: one just added on the way
  // here, else the one chosen before, else the default.
  function pickAddress(addresses) {
    const known = knownAddressIds.value
    const added = known ? addresses.find((candidate) => !known.includes(candidate.id)) : undefined
    knownAddressIds.value = null
    if (added) draft.addressId = added.id
    else if (!addresses.some((candidate) => candidate.id === draft.addressId))
      draft.addressId = (addresses.find((candidate) => candidate.is_default) ?? addresses[0])?.id ?? null
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

  return { draft, knownAddressIds, lastCheckout, mayActAsAgent, body, place, pickAddress }
})

// The quote of the checkout `body()` would place (null while the address or the delivery
// mode is missing), asked again whenever what decides the cost changes, or `also()` does
// (the cart's lines). `blocked`: the quote was refused as the checkout would be (a store
// that does not deliver to the address, a sale that is over); `errorText` says why.
export function useQuote(body, also = () => '') {
  const quote = ref(null)
  const error = ref(null)
  const errorText = ref('')
  const blocked = ref(false)
  const quoting = ref(false)
  let generation = 0

  async function ask() {
    const requested = ++generation
    const wanted = body()
    error.value = null
    errorText.value = ''
    blocked.value = false
    if (!wanted.address_id || !wanted.delivery_mode) {
      quote.value = null
      quoting.value = false
      return
    }
    quoting.value = true
    try {
      const answer = await api.post('/orders/quote', quoteBody(wanted))
      if (requested === generation) quote.value = answer
    } catch (failure) {
      if (requested !== generation) return
      quote.value = null
      error.value = failure
      errorText.value = describeCheckoutError(failure)
      blocked.value = quoteBlocks(failure)
    } finally {
      if (requested === generation) quoting.value = false
    }
  }

  watch(() => [JSON.stringify(quoteBody(body())), also()], ask, { immediate: true })

  return { quote, error, errorText, blocked, quoting, ask }
}

// The delivery modes that cannot reach `address` (a ref to the chosen address, or null):
// same-city and village points for an address outside Longnan. A mode chosen before
// that cannot reach the address gives way to express, which reaches everywhere; at once
// (flush 'sync'), so that useQuote never asks for the quote of a mode that cannot reach.
export function useReachableModes(address) {
  const draft = useCheckoutStore().draft
  const unreachable = computed(() => unreachableModes(address.value))
  watch(
    [unreachable, () => draft.deliveryMode],
    ([modes, mode]) => {
      if (modes.includes(mode)) draft.deliveryMode = 'express'
    },
    { immediate: true, flush: 'sync' },
  )
  return unreachable
}

// Placing an order from a checkout page: `place()` makes the orders; paying online then
// goes on to the provider's page, paying in cash to 我的订单. A refusal is a toast, a lost
// answer a dialog (the buyer has to know a retry is safe). Resolves to the error, if any.
export function usePlaceOrder() {
  const { t } = useI18n()
  const router = useRouter()
  const checkout = useCheckoutStore()
  const placing = ref(false)

  // The orders are placed: on to the provider's page. Resolves to false when the payment
  // could not be started; the orders stay unpaid, to be paid from 我的订单.
  async function payOnline(answer) {
    try {
      await goToPayment(router, await startPayment(answer.checkout_id), { replace: true })
      return true
    } catch (error) {
      showToast(t('mall.checkout.payFailed', { reason: describeError(error) }))
      return false
    }
  }

  async function submit(place) {
    if (placing.value) return null
    placing.value = true
    try {
      const answer = await place()
      if (checkout.draft.paymentMethod === 'online' && (await payOnline(answer))) return null
      showSuccessToast(t('mall.checkout.placed'))
      await router.replace({ name: 'orders', query: { placed: answer.checkout_id } })
      return null
    } catch (error) {
      const text = describeCheckoutError(error)
      if (outcomeUnknown(error)) showDialog({ message: text, className: 'checkout-retry-dialog' })
      else showToast(text)
      return error
    } finally {
      placing.value = false
    }
  }

  return { placing, submit }
}
