// The one i18n instance for every entry point: zh-CN by default, English on request,
// the choice kept in localStorage so both the mall and the console remember it.
import { createI18n, useI18n } from 'vue-i18n'
import { ApiError } from '../api/client.js'
import en from './en.js'
import zhCN from './zh-CN.js'

export const kLocales = ['zh-CN', 'en']
const kStorageKey = 'longnan.locale'

function storedLocale() {
  try {
    const saved = localStorage.getItem(kStorageKey)
    return kLocales.includes(saved) ? saved : kLocales[0]
  } catch {
    return kLocales[0]
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

document.documentElement.lang = i18n.global.locale.value

export function setLocale(locale) {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  try {
    localStorage.setItem(kStorageKey, locale)
  } catch {
    // Private browsing may forbid storage: the choice then lasts for this page only.
  }
}

export function toggleLocale() {
  setLocale(i18n.global.locale.value === 'en' ? 'zh-CN' : 'en')
}

// The text to show a user for a failed request: the server's own message when it sent one.
export function describeError(error) {
  const { t } = i18n.global
  if (error instanceof ApiError) return error.status === 0 ? t('common.networkError') : error.message
  return t('common.unknownError')
}

// Name of a product or category in the current language; Chinese when no English name exists.
export function useLocalName() {
  const { locale } = useI18n()
  return (item) => (locale.value === 'en' && item?.name_en ? item.name_en : (item?.name ?? ''))
}
