// Money is integer fen everywhere; this is the one place that turns it into text.
export function formatFen(fen) {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(fen))
  const yuan = Math.floor(abs / 100)
  const cents = String(abs % 100).padStart(2, '0')
  return `${sign}¥${yuan.toLocaleString('en-US')}.${cents}`
}
