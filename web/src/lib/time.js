// Times arrive as epoch ms or ISO-8601 and are always shown in Asia/Shanghai.
const kTimeZone = 'Asia/Shanghai'

export function formatDateTime(value, locale) {
  if (value === null || value === undefined || value === '') return ''
  return new Intl.DateTimeFormat(locale, {
    timeZone: kTimeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(value))
}

export function formatDate(value, locale) {
  if (value === null || value === undefined || value === '') return ''
  return new Intl.DateTimeFormat(locale, {
    timeZone: kTimeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(value))
}
