// A store's freight template as the server works it out (src/orders/freight.cpp): rules by
// region (the start of the delivery address's division code, the longest one that matches
// winning; "" is everywhere), each charging `first_fen` for the first `first_weight_g`
// grams and `extra_fen` for each started `extra_weight_g` beyond; free when the order's
// goods reach `free_over_fen`, and always for pickup. The console edits it in yuan.
import { fenToYuan, yuanToFen } from './money.js'

// Where a rule applies, as the editor offers it: the store's county, everywhere, or a
// division code prefix typed in (6212 for the whole of Longnan, a township's 9 digits…);
// besides these, a province (region 'province', the prefix its first 2 digits: 31 for
// 上海市, 62 for 甘肃省), for express parcels beyond Longnan.
export const kRegionChoices = ['county', 'everywhere', 'custom']
export const kMaxFreightRules = 50
const kMaxWeightG = 1_000_000
const kMaxRuleFen = 10_000_000

// The region prefix of a province (its 6-digit division code): "310000" → "31".
export const provincePrefixOf = (code) => code.slice(0, 2)

// `provincePrefixes`: the 2-digit prefixes of the provinces (see provincePrefixOf), which
// may be unknown yet: a province's rule then shows as a custom prefix.
export function regionChoiceOf(prefix, countyCode, provincePrefixes = []) {
  if (prefix === '') return 'everywhere'
  if (countyCode && prefix === countyCode) return 'county'
  return provincePrefixes.includes(prefix) ? 'province' : 'custom'
}

// The region prefix a rule of the form stands for.
export function regionPrefixOf(rule, countyCode) {
  if (rule.region === 'everywhere') return ''
  if (rule.region === 'county') return countyCode
  return (rule.prefix ?? '').trim()
}

// One value per region the editor's chooser offers: the choice, or "province:31".
export function regionKeyOf(rule) {
  return rule.region === 'province' ? `province:${rule.prefix}` : rule.region
}

// Makes `rule` apply where `key` (see regionKeyOf) says. A custom prefix starts from the
// province chosen before, if any.
export function chooseRegion(rule, key) {
  const [region, prefix] = key.split(':')
  rule.region = region
  if (region === 'province') rule.prefix = prefix
}

export function newFreightRule(region = 'everywhere') {
  return {
    region,
    prefix: '',
    first_weight_g: 1000,
    first_yuan: undefined,
    extra_weight_g: 1000,
    extra_yuan: undefined,
  }
}

// The editor's form for a template (GET /stores/{id}/freight): one rule for everywhere to
// start from when the store never set one. `provincePrefixes` as for regionChoiceOf.
export function freightForm(template, countyCode, provincePrefixes = []) {
  const rules = (template?.rules ?? []).map((rule) => ({
    region: regionChoiceOf(rule.region_prefix, countyCode, provincePrefixes),
    prefix: rule.region_prefix,
    first_weight_g: rule.first_weight_g,
    first_yuan: fenToYuan(rule.first_fen),
    extra_weight_g: rule.extra_weight_g,
    extra_yuan: fenToYuan(rule.extra_fen),
  }))
  return {
    free_over_yuan: template?.free_over_fen == null ? undefined : fenToYuan(template.free_over_fen),
    rules: rules.length ? rules : [newFreightRule()],
  }
}

const isAmount = (yuan) => yuan !== undefined && yuan !== null && yuan !== '' && Number.isFinite(Number(yuan))

// What is wrong with the form, as {field, problem} (field as the server names it, problem
// a key of admin.freight.problem), or null.
export function freightProblem(form, countyCode) {
  if (isAmount(form.free_over_yuan) && yuanToFen(form.free_over_yuan) < 1)
    return { field: 'free_over_fen', problem: 'freeOver' }
  if (!form.rules.length) return { field: 'rules', problem: 'noRules' }
  if (form.rules.length > kMaxFreightRules) return { field: 'rules', problem: 'tooMany' }
  const seen = new Set()
  for (const [index, rule] of form.rules.entries()) {
    const at = `rules[${index}]`
    const prefix = regionPrefixOf(rule, countyCode)
    if (rule.region === 'custom' && !/^\d{1,12}$/.test(prefix))
      return { field: `${at}.region_prefix`, problem: 'prefix' }
    if (rule.region === 'province' && !/^\d{2}$/.test(prefix))
      return { field: `${at}.region_prefix`, problem: 'prefix' }
    if (rule.region === 'county' && !countyCode) return { field: `${at}.region_prefix`, problem: 'noCounty' }
    if (seen.has(prefix)) return { field: `${at}.region_prefix`, problem: 'twice' }
    seen.add(prefix)
    for (const key of ['first_weight_g', 'extra_weight_g']) {
      const grams = rule[key]
      if (!Number.isInteger(grams) || grams < 1 || grams > kMaxWeightG)
        return { field: `${at}.${key}`, problem: 'weight' }
    }
    for (const [key, field] of [
      ['first_yuan', 'first_fen'],
      ['extra_yuan', 'extra_fen'],
    ]) {
      if (!isAmount(rule[key])) return { field: `${at}.${field}`, problem: 'amount' }
      const fen = yuanToFen(rule[key])
      if (fen < 0 || fen > kMaxRuleFen) return { field: `${at}.${field}`, problem: 'amount' }
    }
  }
  return null
}

// The body of PUT /stores/{id}/freight for the form (see freightProblem).
export function freightBody(form, countyCode) {
  const body = {
    rules: form.rules.map((rule) => ({
      region_prefix: regionPrefixOf(rule, countyCode),
      first_weight_g: rule.first_weight_g,
      first_fen: yuanToFen(rule.first_yuan),
      extra_weight_g: rule.extra_weight_g,
      extra_fen: yuanToFen(rule.extra_yuan),
    })),
  }
  if (isAmount(form.free_over_yuan)) body.free_over_fen = yuanToFen(form.free_over_yuan)
  return body
}

// The freight of `weightG` grams by `rule` (in fen, as the server has it).
export function freightOf(rule, weightG) {
  const extra = Math.max(0, weightG - rule.first_weight_g)
  return rule.first_fen + Math.ceil(extra / rule.extra_weight_g) * rule.extra_fen
}
