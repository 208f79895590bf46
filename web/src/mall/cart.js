// The signed-in buyer's cart, shared by the tab bar's badge, the product page and the cart
// page. Every change goes to the server, one at a time and in order, and the cart shown is
// the server's answer: PUT answers the whole cart, DELETE answers nothing and is followed by
// a GET.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { api, ApiError } from '../api/client.js'
import { describeError, i18n } from '../i18n/index.js'
import { addableQuantity, emptyCart, kMaxCartLines, quantityInCart } from '../lib/cart.js'
import { useSessionStore } from '../session.js'

// Thrown by `add` when the cart already holds as many of the SKU as may be bought.
export class CartLimitError extends Error {
  constructor(addable) {
    super('cart limit')
    this.name = 'CartLimitError'
    this.addable = addable
  }
}

// The text for a failed cart change. The server's messages are in English; the usual
// refusals get the buyer's language.
export function describeCartError(error) {
  const { t } = i18n.global
  if (error instanceof CartLimitError) {
    return error.addable > 0 ? t('mall.cart.onlyMore', { count: error.addable }) : t('mall.cart.limitReached')
  }
  if (error instanceof ApiError) {
    if (error.status === 422 && error.field === 'quantity') return t('mall.cart.notEnoughStock')
    if (error.status === 404) return t('mall.cart.notOnSale')
    if (error.status === 409) return t('mall.cart.full', { max: kMaxCartLines })
  }
  return describeError(error)
}

export const useCartStore = defineStore('cart', () => {
  const session = useSessionStore()
  const cart = ref(emptyCart())
  const loaded = ref(false)
  // An add that waits for the buyer to sign in: {productId, skuId, quantity}.
  const pendingAdd = ref(null)

  // Changes run one after another, so the last answer applied is the last change made.
  let queue = Promise.resolve()
  // Bumped when the session ends: answers to the old session's requests are dropped.
  let generation = 0

  function enqueue(task) {
    const started = generation
    const run = queue.then(() => task((answer) => started === generation && apply(answer)))
    queue = run.catch(() => {})
    return run
  }

  function apply(answer) {
    cart.value = answer
    loaded.value = true
  }

  function load() {
    return enqueue(async (applyIfCurrent) => applyIfCurrent(await api.get('/cart')))
  }

  // Sets how many of a SKU the cart holds.
  function setQuantity(skuId, quantity) {
    return enqueue(async (applyIfCurrent) =>
      applyIfCurrent(await api.put(`/cart/items/${encodeURIComponent(skuId)}`, { quantity })),
    )
  }

  // Adds `quantity` to what the cart holds of a SKU with `stock` left, reading the cart
  // first so that another tab's changes count too.
  function add(skuId, quantity, stock) {
    return enqueue(async (applyIfCurrent) => {
      const current = await api.get('/cart')
      applyIfCurrent(current)
      const inCart = quantityInCart(current, skuId)
      const addable = addableQuantity(stock, inCart)
      if (quantity > addable) throw new CartLimitError(addable)
      applyIfCurrent(await api.put(`/cart/items/${encodeURIComponent(skuId)}`, { quantity: inCart + quantity }))
    })
  }

  function remove(skuId) {
    return enqueue(async (applyIfCurrent) => {
      try {
        await api.delete(`/cart/items/${encodeURIComponent(skuId)}`)
      } catch (error) {
        // Already gone (another tab): the cart below shows that.
        if (!(error instanceof ApiError && error.status === 404)) throw error
      }
      applyIfCurrent(await api.get('/cart'))
    })
  }

  function reset() {
    generation += 1
    cart.value = emptyCart()
    loaded.value = false
  }

  // The cart follows the session: loaded when someone signs in (an add waiting for that
  // stays), emptied when they leave.
  watch(
    () => session.user?.id,
    (userId) => {
      reset()
      if (userId) load().catch(() => {})
      else pendingAdd.value = null
    },
    { immediate: true },
  )

  const count = computed(() => cart.value.count)

  return { cart, loaded, count, pendingAdd, load, setQuantity, add, remove }
})
