import { describe, expect, it } from 'vitest'
import {
  chooseRegion,
  freightBody,
  freightForm,
  freightOf,
  freightProblem,
  newFreightRule,
  provincePrefixOf,
  regionChoiceOf,
  regionKeyOf,
  regionPrefixOf,
} from './freight.js'

const county = '621221'

describe('regions', () => {
  it('tells the county, everywhere and other prefixes apart', () => {
    expect(regionChoiceOf('', county)).toBe('everywhere')
    expect(regionChoiceOf('621221', county)).toBe('county')
    expect(regionChoiceOf('6212', county)).toBe('custom')
    expect(regionChoiceOf('621221', '')).toBe('custom')
  })

  it('turns a choice back into a prefix', () => {
    expect(regionPrefixOf({ region: 'everywhere', prefix: '6212' }, county)).toBe('')
    expect(regionPrefixOf({ region: 'county' }, county)).toBe(county)
    expect(regionPrefixOf({ region: 'custom', prefix: ' 6212 ' }, county)).toBe('6212')
  })

  it('tells provinces by the first 2 digits of their codes, once they are known', () => {
    const provinces = ['310000', '620000'].map(provincePrefixOf)
    expect(provinces).toEqual(['31', '62'])
    expect(regionChoiceOf('31', county, provinces)).toBe('province')
    expect(regionChoiceOf('62', county, provinces)).toBe('province')
    expect(regionChoiceOf('6212', county, provinces)).toBe('custom')
    expect(regionChoiceOf('31', county)).toBe('custom')
    expect(regionPrefixOf({ region: 'province', prefix: '31' }, county)).toBe('31')
  })

  it('keys each region of the chooser, provinces by their prefix', () => {
    const rule = newFreightRule('county')
    expect(regionKeyOf(rule)).toBe('county')
    chooseRegion(rule, 'province:31')
    expect([rule.region, rule.prefix, regionKeyOf(rule)]).toEqual(['province', '31', 'province:31'])
    chooseRegion(rule, 'custom')
    expect([rule.region, rule.prefix, regionKeyOf(rule)]).toEqual(['custom', '31', 'custom'])
    chooseRegion(rule, 'everywhere')
    expect(regionPrefixOf(rule, county)).toBe('')
  })
})

describe('the freight form', () => {
  const template = {
    configured: true,
    free_over_fen: 9900,
    rules: [
      { region_prefix: '', first_weight_g: 1000, first_fen: 1200, extra_weight_g: 500, extra_fen: 300 },
      { region_prefix: '621221', first_weight_g: 1000, first_fen: 500, extra_weight_g: 1000, extra_fen: 100 },
    ],
  }

  it('shows a template in yuan and sends it back in fen', () => {
    const form = freightForm(template, county)
    expect(form.free_over_yuan).toBe(99)
    expect(form.rules.map((rule) => [rule.region, rule.first_yuan, rule.extra_yuan])).toEqual([
      ['everywhere', 12, 3],
      ['county', 5, 1],
    ])
    expect(freightProblem(form, county)).toBeNull()
    expect(freightBody(form, county)).toEqual({ free_over_fen: 9900, rules: template.rules })
  })

  it('shows the rule of a province as that province, and sends its prefix back', () => {
    const withShanghai = {
      ...template,
      rules: [
        ...template.rules,
        { region_prefix: '31', first_weight_g: 1000, first_fen: 1500, extra_weight_g: 1000, extra_fen: 800 },
      ],
    }
    const form = freightForm(withShanghai, county, ['31', '62'])
    expect(form.rules.map((rule) => regionKeyOf(rule))).toEqual(['everywhere', 'county', 'province:31'])
    expect(freightProblem(form, county)).toBeNull()
    expect(freightBody(form, county)).toEqual({ free_over_fen: 9900, rules: withShanghai.rules })
    form.rules[2].prefix = ''
    expect(freightProblem(form, county)).toEqual({ field: 'rules[2].region_prefix', problem: 'prefix' })
  })

  it('starts a store without a template from one rule for everywhere, without a threshold', () => {
    const form = freightForm({ configured: false, free_over_fen: null, rules: [] }, county)
    expect(form.free_over_yuan).toBeUndefined()
    expect(form.rules).toEqual([newFreightRule()])
    form.rules[0].first_yuan = 8
    form.rules[0].extra_yuan = 2.5
    expect(freightBody(form, county)).toEqual({
      rules: [{ region_prefix: '', first_weight_g: 1000, first_fen: 800, extra_weight_g: 1000, extra_fen: 250 }],
    })
  })

  it('names the field at fault', () => {
    const rule = { ...newFreightRule(), first_yuan: 5, extra_yuan: 1 }
    const problem = (form) => freightProblem({ free_over_yuan: undefined, ...form }, county)
    expect(problem({ rules: [] })).toEqual({ field: 'rules', problem: 'noRules' })
    expect(problem({ free_over_yuan: 0, rules: [rule] })).toEqual({ field: 'free_over_fen', problem: 'freeOver' })
    expect(problem({ rules: [{ ...rule, region: 'custom', prefix: '62a' }] })).toEqual({
      field: 'rules[0].region_prefix',
      problem: 'prefix',
    })
    expect(problem({ rules: [rule, { ...rule }] })).toEqual({ field: 'rules[1].region_prefix', problem: 'twice' })
    expect(problem({ rules: [{ ...rule, extra_weight_g: 0 }] })).toEqual({
      field: 'rules[0].extra_weight_g',
      problem: 'weight',
    })
    expect(problem({ rules: [{ ...rule, first_yuan: undefined }] })).toEqual({
      field: 'rules[0].first_fen',
      problem: 'amount',
    })
    expect(freightProblem({ rules: [{ ...rule, region: 'county' }] }, '')).toEqual({
      field: 'rules[0].region_prefix',
      problem: 'noCounty',
    })
  })
})

describe('freightOf', () => {
  const rule = { first_weight_g: 1000, first_fen: 800, extra_weight_g: 500, extra_fen: 200 }

  it('charges the first weight, then each started step beyond', () => {
    expect(freightOf(rule, 0)).toBe(800)
    expect(freightOf(rule, 1000)).toBe(800)
    expect(freightOf(rule, 1001)).toBe(1000)
    expect(freightOf(rule, 2500)).toBe(1400)
  })
})
