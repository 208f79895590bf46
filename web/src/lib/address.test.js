import { describe, expect, it } from 'vitest'
import { addressText, isOutsideLongnan, isProvinceCode, placeText, unreachableModes } from './address.js'

const inLongnan = {
  province_name: '',
  county_name: '成县',
  township_name: '城关镇',
  village_name: '东街社区',
  detail: '12 号',
}
const inShanghai = {
  province_name: '上海市',
  county_name: '',
  township_name: '',
  village_name: '',
  detail: '浦东新区 世纪大道 100 号',
}

describe('address text', () => {
  it('writes an address in Longnan county first, the house last', () => {
    expect(placeText(inLongnan)).toBe('成县 城关镇 东街社区')
    expect(addressText(inLongnan)).toBe('成县 城关镇 东街社区 12 号')
  })

  it('writes an address elsewhere province first, the rest as the buyer wrote it', () => {
    expect(placeText(inShanghai)).toBe('上海市')
    expect(addressText(inShanghai)).toBe('上海市 浦东新区 世纪大道 100 号')
  })

  it('takes an address of an older server without province_name, and none at all', () => {
    const { province_name: _, ...older } = inLongnan
    expect(addressText(older)).toBe('成县 城关镇 东街社区 12 号')
    expect(addressText(null)).toBe('')
    expect(placeText(undefined)).toBe('')
  })
})

describe('where an address can be delivered', () => {
  it('tells province codes from village codes', () => {
    expect(isProvinceCode('310000')).toBe(true)
    expect(isProvinceCode('621221100001')).toBe(false)
    expect(isProvinceCode('')).toBe(false)
    expect(isProvinceCode(null)).toBe(false)
  })

  it('leaves only express, pickup and the like for an address outside Longnan', () => {
    expect(isOutsideLongnan(inShanghai)).toBe(true)
    expect(isOutsideLongnan(inLongnan)).toBe(false)
    expect(unreachableModes(inShanghai)).toEqual(['same_city', 'village_point'])
    expect(unreachableModes(inLongnan)).toEqual([])
    expect(unreachableModes(null)).toEqual([])
  })
})
