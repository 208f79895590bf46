import { describe, expect, it } from 'vitest'
import en from './en.js'
import zhCN from './zh-CN.js'

function keyPaths(messages, prefix = '') {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'object' ? keyPaths(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  )
}

describe('messages', () => {
  it('has every Chinese text in English too, and nothing more', () => {
    expect(keyPaths(en).sort()).toEqual(keyPaths(zhCN).sort())
  })
})
