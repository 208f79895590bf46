// One page of an admin list (GET with page/page_size), reloaded when the page, the page
// size or any filter changes. Filters are a reactive object of query parameters;
// typing in a filter waits for a pause before asking the server. `answer` is the server's
// whole answer for the page, for lists that tell more than their rows (a statement's totals).
import { onBeforeUnmount, onMounted, reactive, watch } from 'vue'
import { api } from '../../api/client.js'
import { describeError } from '../../i18n/index.js'

const kFilterPauseMs = 300

export function usePagedList(path, filters) {
  const list = reactive({
    rows: [],
    total: 0,
    page: 1,
    pageSize: 20,
    loading: false,
    errorText: '',
    answer: null,
    reload: load,
  })
  // Bumped per request, so that an older answer arriving late is dropped.
  let generation = 0
  let filterTimer

  async function load() {
    const requested = ++generation
    list.loading = true
    list.errorText = ''
    try {
      const page = await api.get(path, { ...filters, page: list.page, page_size: list.pageSize })
      if (requested !== generation) return
      list.rows = page.items
      list.total = page.total
      list.answer = page
    } catch (error) {
      if (requested !== generation) return
      list.rows = []
      list.total = 0
      list.answer = null
      list.errorText = describeError(error)
    } finally {
      if (requested === generation) list.loading = false
    }
  }

  watch(
    () => ({ ...filters }),
    () => {
      clearTimeout(filterTimer)
      filterTimer = setTimeout(() => {
        if (list.page === 1) load()
        else list.page = 1
      }, kFilterPauseMs)
    },
  )
  watch(() => [list.page, list.pageSize], load)
  onMounted(load)
  onBeforeUnmount(() => clearTimeout(filterTimer))

  return list
}
