// The cart's rules as a buyer meets them, the same as the server's (src/orders): at most
// 999 of one SKU and never more than its stock, at most 100 SKUs; a line can be bought when
// its product is listed and has the stock for it.
export const kMaxQuantity = 999
export const kMaxCartLines = 100

export function emptyCart() {
  return { stores: [], total_fen: 0, count: 0 }
}

// The most of a SKU with `stock` left that the cart may hold.
export function quantityLimit(stock) {
  return Math.max(0, Math.min(stock, kMaxQuantity))
}

// How many of a SKU the cart holds (0 when none).
export function quantityInCart(cart, skuId) {
  for (const group of cart?.stores ?? []) {
    const line = group.items.find((item) => item.sku_id === skuId)
    if (line) return line.quantity
  }
  return 0
}

// How many more of a SKU with `stock` left can go into a cart that holds `inCart` of it.
export function addableQuantity(stock, inCart) {
  return Math.max(0, quantityLimit(stock) - inCart)
}

// Why a line cannot be bought: 'sold_out' (no stock left), 'short' (less stock than the
// cart holds; fewer would do), 'off_sale' (the product is no longer listed); '' when it can.
export function lineProblem(line) {
  if (line.available) return ''
  if (line.stock <= 0) return 'sold_out'
  if (line.stock < line.quantity) return 'short'
  return 'off_sale'
}
