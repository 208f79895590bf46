// Paying a checkout online from the mall: the server gets a prepay from the provider
// (POST /checkouts/{id}/pay) and the buyer goes on to the provider's page, the sandbox
// wallet at /pay/sandbox/:prepayId (see lib/payments.js for the rest of the way).
import { showToast } from 'vant'
import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRouter } from 'vue-router'
import { api, ApiError } from '../api/client.js'
import { describeError } from '../i18n/index.js'
import { localPath } from '../lib/redirect.js'

// The only provider there is for now.
export const kProvider = 'sandbox'

// Resolves to {checkout_id, provider, prepay_id, amount_fen, pay_deadline, pay_url};
// rejects with 409 when nothing of the checkout is left to pay.
export function startPayment(checkoutId) {
  return api.post(`/checkouts/${encodeURIComponent(checkoutId)}/pay`, { provider: kProvider })
}

// Goes to the provider's page: one of the mall's own (the sandbox), or a provider's site.
export function goToPayment(router, payment, { replace = false } = {}) {
  const path = localPath(payment.pay_url, '')
  if (!path) {
    window.location.assign(payment.pay_url)
    return Promise.resolve()
  }
  return replace ? router.replace(path) : router.push(path)
}

// 去支付 on an unpaid order: pays its whole checkout (every order of it still unpaid).
export function usePayment() {
  const { t } = useI18n()
  const router = useRouter()
  // The order whose payment is on its way.
  const payingId = ref(null)

  // Resolves to null once the buyer is on their way to pay, or when the request failed (a
  // toast says why); to the order as it is now when it has nothing left to pay (paid in
  // cash or cancelled meanwhile), or null if that cannot be loaded.
  async function pay(order) {
    if (payingId.value !== null) return null
    payingId.value = order.id
    try {
      await goToPayment(router, await startPayment(order.checkout_id))
      return null
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        showToast(t('mall.orders.stale'))
        return api.get(`/orders/${order.id}`).catch(() => null)
      }
      showToast(describeError(error))
      return null
    } finally {
      payingId.value = null
    }
  }

  return { payingId, pay }
}
