// Money is integer fen everywhere; these are the places that turn it into text and back.
export function formatFen(fen) {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(fen))
  const yuan = Math.floor(abs / 100)
  const cents = String(abs % 100).padStart(2, '0')
  return `${sign}¥${yuan.toLocaleString('en-US')}.${cents}`
}

// Prices are typed in yuan (at most two decimals) and sent in fen: 39.9 → 3990.
// Rounds to the nearest fen, since 0.29 * 100 is 28.999999999999996 in floating point.
export function yuanToFen(yuan) {
  return Math.round(Number(yuan) * 100)
}

export function fenToYuan(fen) {
  return fen / 100
}
