// The nodes vehicles leave from (parks and stations) of one county, or of every county for
// the city, or those a station manager manages: for choosing a wave's node, a vehicle's
// home, a node's parent, and for naming them in tables. Reloaded when the county changes;
// empty while unknown or on failure.
import { ref, watch } from 'vue'
import { api } from '../../api/client.js'
import { kDispatchTiers } from '../../lib/dispatch.js'

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

// The parks and stations of a county (null: of every county).
async function countyDepots(platformId) {
  const answers = await Promise.all(
    kDispatchTiers.map((tier) => loadAllPages('/logistics-nodes', { platform_id: platformId, tier })),
  )
  return answers.flatMap((answer) => answer.items)
}

// The parks and stations a user manages.
async function managedDepots(userId) {
  const { items } = await loadAllPages('/logistics-nodes', { manager_user_id: userId })
  return items.filter((node) => kDispatchTiers.includes(node.tier))
}

// `platformId`: a getter of the county platform's id, or null for every county.
// `managerId`: a getter of a user id, or null; with one, only the parks and stations that
// user manages (a courier who is a station manager dispatches from those alone).
export function useDepots(platformId, managerId = () => null) {
  const depots = ref([])
  // False until the first answer (or failure): an empty list is then known to be empty.
  const loaded = ref(false)
  let generation = 0

  async function load() {
    const requested = ++generation
    const manager = managerId()
    try {
      const found = manager ? await managedDepots(manager) : await countyDepots(platformId())
      if (requested === generation) depots.value = found
    } catch {
      if (requested === generation) depots.value = []
    } finally {
      if (requested === generation) loaded.value = true
    }
  }

  watch([platformId, managerId], load, { immediate: true })
  const depotName = (id) => depots.value.find((node) => node.id === id)?.name ?? (id ? `#${id}` : '')
  return { depots, loaded, depotName, reload: load }
}
