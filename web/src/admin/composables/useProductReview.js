// The review actions of the listing line (accept, approve, reject, delist, relist):
// asks for a reason where one is owed, calls the server, and tells the user how it went.
import { ElMessage, ElMessageBox } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { api } from '../../api/client.js'
import { describeError } from '../../i18n/index.js'

const kPrompts = {
  reject: { title: 'admin.product.rejectTitle', message: 'admin.product.rejectPrompt' },
  delist: { title: 'admin.product.delistTitle', message: 'admin.product.delistPrompt' },
}

export function useProductReview() {
  const { t } = useI18n()

  async function askReason(action) {
    const prompt = kPrompts[action]
    if (!prompt) return ''
    try {
      const { value } = await ElMessageBox.prompt(t(prompt.message), t(prompt.title), {
        confirmButtonText: t('common.confirm'),
        cancelButtonText: t('common.cancel'),
        inputType: 'textarea',
        inputValidator: (text) => (text && text.trim() ? true : t('admin.product.reasonRequired')),
      })
      return value.trim()
    } catch {
      return null
    }
  }

  // Resolves to true when the server accepted the action.
  async function review(product, action) {
    const note = await askReason(action)
    if (note === null) return false
    try {
      const after = await api.post(`/products/${product.id}/review`, { action, note })
      // A store keeper's relist goes back to the county office for approval.
      if (action === 'relist' && after.status === 'store_accepted')
        ElMessage.success(t('admin.product.relistRequested'))
      else ElMessage.success(t('admin.product.done', { action: t(`admin.product.${action}`) }))
      return true
    } catch (error) {
      ElMessage.error(describeError(error))
      return false
    }
  }

  return { review }
}
