// How an option (SKU) of a product is named to a buyer: its attribute values (规格: 袋,
// 重量: 500g → "袋 / 500g"), or its code when it has none.
export function skuLabel(attrs, code = '') {
  const values = Object.values(attrs ?? {}).filter(Boolean)
  return values.length ? values.join(' / ') : code
}
