// Delivery addresses as text and as the checkout sees them. An address in Longnan names its
// county, township and village (12-digit division code); one elsewhere in China names only
// its province (6-digit code), the city, district and street being in `detail`, and goes by
// express: same-city couriers and village points serve the store's own county only.

// Where an address is, biggest first: the province, or county, township and village.
export function placeText(address) {
  if (!address) return ''
  return [address.province_name, address.county_name, address.township_name, address.village_name]
    .filter(Boolean)
    .join(' ')
}

// The whole address, the house last: the order of a Chinese address.
export function addressText(address) {
  if (!address) return ''
  return [placeText(address), address.detail].filter(Boolean).join(' ')
}

// Whether `code` is a province's (an address outside Longnan) rather than a village's.
export const isProvinceCode = (code) => /^\d{6}$/.test(code ?? '')

// Whether the address is outside Longnan (the server names its province).
export const isOutsideLongnan = (address) => Boolean(address?.province_name)

// Delivery modes that only reach the store's own county.
export const kLocalDeliveryModes = ['same_city', 'village_point']

// The delivery modes that cannot reach `address`: the local ones for an address outside
// Longnan. (An address in another county of Longnan is the server's to refuse: the page
// does not know every store's county.)
export function unreachableModes(address) {
  return isOutsideLongnan(address) ? kLocalDeliveryModes : []
}
