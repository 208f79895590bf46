// What a list page needs to know about counties: whether the user sees every county
// (city-level roles have no platform) and so gets a county filter and column, the
// county platforms themselves, and the division code of the county being looked at.
import { computed, watch } from 'vue'
import { loadPlatforms, useLoadedList } from '../../api/catalog.js'
import { useSessionStore } from '../../session.js'

// `filters.platform_id` is the county filter of the page, if it has one; choosing another
// county clears `filters.village_code`, since a village belongs to one county.
export function useCountyScope(filters) {
  const session = useSessionStore()
  const platforms = useLoadedList(loadPlatforms)

  const citywide = computed(() => session.user.platform_id == null)
  const platformName = (id) => platforms.value.find((platform) => platform.id === id)?.name ?? ''
  const countyCode = computed(() => {
    const platformId = filters.platform_id || session.user.platform_id
    return platforms.value.find((platform) => platform.id === platformId)?.county_code ?? ''
  })

  watch(
    () => filters.platform_id,
    () => {
      if ('village_code' in filters) filters.village_code = ''
    },
  )

  return { platforms, citywide, platformName, countyCode }
}
