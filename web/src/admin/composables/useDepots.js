// The nodes vehicles leave from (parks and stations) of one county, or of every county for
// the city: for choosing a wave's node, a vehicle's home, a node's parent, and for naming
// them in tables. Reloaded when the county changes; empty while unknown or on failure.
import { ref, watch } from 'vue'
import { api } from '../../api/client.js'

// Every page of a list, up to `maxItems` items (page_size is at most 100).
export async function loadAllPages(path, query, maxItems = 1000) {
  const items = []
  let total = 0
  for (let page = 1; items.length < maxItems; page++) {
    const answer = await api.get(path, { ...query, page, page_size: 100 })
    items.push(...answer.items)
    total = answer.total
    if (!answer.items.length || items.length >= total) break
  }
  return { items: items.slice(0, maxItems), total }
}

// `platformId`: a getter of the county platform's id, or null for every county.
export function useDepots(platformId) {
  const depots = ref([])
  let generation = 0

  async function load() {
    const requested = ++generation
    const query = { platform_id: platformId() }
    try {
      const [parks, stations] = await Promise.all([
        loadAllPages('/logistics-nodes', { ...query, tier: 'park' }),
        loadAllPages('/logistics-nodes', { ...query, tier: 'station' }),
      ])
      if (requested === generation) depots.value = [...parks.items, ...stations.items]
    } catch {
      if (requested === generation) depots.value = []
    }
  }

  watch(platformId, load, { immediate: true })
  const depotName = (id) => depots.value.find((node) => node.id === id)?.name ?? (id ? `#${id}` : '')
  return { depots, depotName, reload: load }
}
