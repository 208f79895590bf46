// Saving a form: the form's own rules first, then the request; a validation error the
// server names a field for (`error.field`) is shown next to that field, any other failure
// as a message. `props()` lists the form items' props (they change with list lengths).
import { ElMessage } from 'element-plus'
import { reactive, ref } from 'vue'
import { ApiError } from '../../api/client.js'
import { describeError } from '../../i18n/index.js'
import { formPropFor } from '../../lib/formErrors.js'

export function useFormSave(form, props) {
  const saving = ref(false)
  // prop → the server's message, bound to each item's `error`.
  const errors = reactive({})

  function clearErrors() {
    for (const prop of Object.keys(errors)) errors[prop] = ''
  }

  // Resolves to true when `action` succeeded.
  async function save(action) {
    clearErrors()
    if (!(await form.value.validate().catch(() => false))) return false
    saving.value = true
    try {
      await action()
      return true
    } catch (error) {
      const prop = error instanceof ApiError ? formPropFor(error.field, props()) : ''
      if (prop) errors[prop] = error.message
      else ElMessage.error(describeError(error))
      return false
    } finally {
      saving.value = false
    }
  }

  return { saving, errors, save, clearErrors }
}
