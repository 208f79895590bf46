// The buyer's own steps on an order in the mall, cancelling it while unpaid and confirming
// receipt once delivered, and the clock that payment deadlines count down by.
import { showConfirmDialog, showSuccessToast, showToast } from 'vant'
import { onBeforeUnmount, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { api, ApiError } from '../api/client.js'
import { describeError } from '../i18n/index.js'

const kSteps = {
  cancel: {
    label: 'mall.orders.cancel',
    question: 'mall.orders.cancelConfirm',
    done: 'mall.orders.cancelled',
    send: (order) => api.post(`/orders/${order.id}/cancel`, {}),
  },
  complete: {
    label: 'mall.orders.confirmReceipt',
    question: 'mall.orders.confirmReceiptConfirm',
    done: 'mall.orders.completed',
    send: (order) => api.post(`/orders/${order.id}/advance`, { action: 'complete' }),
  },
}

export function useOrderActions() {
  const { t } = useI18n()
  // The order a step is on its way for.
  const busyId = ref(null)

  // Asks, then takes `action` ('cancel' or 'complete'). Resolves to the order as it is
  // afterwards (as it is now when someone else moved it first), or null.
  async function run(order, action) {
    const step = kSteps[action]
    const confirmed = await showConfirmDialog({
      message: t(step.question),
      confirmButtonText: t(step.label),
      cancelButtonText: t('mall.orders.keep'),
    }).then(
      () => true,
      () => false,
    )
    if (!confirmed) return null
    busyId.value = order.id
    try {
      const updated = await step.send(order)
      showSuccessToast(t(step.done))
      return updated
    } catch (error) {
      // The store confirmed the cash, or the deadline cancelled it, in the meantime.
      if (error instanceof ApiError && error.status === 409) {
        showToast(t('mall.orders.stale'))
        return api.get(`/orders/${order.id}`).catch(() => null)
      }
      showToast(describeError(error))
      return null
    } finally {
      busyId.value = null
    }
  }

  return { busyId, run }
}

// The time now, epoch ms, moving on every `intervalMs` while the component is mounted.
export function useNow(intervalMs = 15_000) {
  const now = ref(Date.now())
  const timer = setInterval(() => (now.value = Date.now()), intervalMs)
  onBeforeUnmount(() => clearInterval(timer))
  return now
}
