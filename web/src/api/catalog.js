// Reference data that rarely changes within a visit (platforms, brands, categories,
// divisions), loaded once per page load and shared by every component that needs it.
import { onMounted, ref } from 'vue'
import { api } from './client.js'

const cache = new Map()

function cached(key, load) {
  if (!cache.has(key)) {
    const promise = load().catch((error) => {
      cache.delete(key)
      throw error
    })
    cache.set(key, promise)
  }
  return cache.get(key)
}

export const loadPlatforms = () => cached('platforms', async () => (await api.get('/platforms')).items)
export const loadBrands = () => cached('brands', async () => (await api.get('/brands')).items)
export const loadCategories = () => cached('categories', async () => (await api.get('/categories')).items)
export const loadDivisions = (parentCode) =>
  cached(`divisions:${parentCode}`, async () => (await api.get('/divisions', { parent: parentCode })).items)
// The 31 provinces of the mainland, for addresses (and freight rules) beyond Longnan.
export const loadProvinces = () =>
  cached('provinces', async () => (await api.get('/divisions', { level: 'province' })).items)

// A ref that a component fills with `load()`'s items once mounted. It stays empty when
// loading fails: the pages that use these lists work without them, only with less to offer.
export function useLoadedList(load) {
  const items = ref([])
  onMounted(() =>
    load().then(
      (loaded) => (items.value = loaded),
      () => {},
    ),
  )
  return items
}
