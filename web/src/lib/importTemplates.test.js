import { describe, expect, it } from 'vitest'
import { importColumnsFor, importTemplateCsv, kImportKinds } from './importTemplates.js'

describe('importTemplateCsv', () => {
  it('has the household columns of the API example', () => {
    expect(importTemplateCsv('households', 'county_admin')).toBe(
      '\uFEFFvillage_code,head_name,members,phone,id_card,bank_account,poverty_status\r\n',
    )
  })

  it('has the product columns of the API example for county admins', () => {
    expect(importTemplateCsv('products', 'county_admin')).toBe(
      '\uFEFFstore_id,producer_id,category_code,brand,name,name_en,unit,description,origin_village_code,' +
        'sku_code,price_fen,stock,weight_g,volume_ml,gtin,cold_chain\r\n',
    )
  })

  it('leaves the store out of a store keeper’s product template', () => {
    expect(importColumnsFor('products', 'store_keeper').map((column) => column.name)).not.toContain('store_id')
    expect(importColumnsFor('producers', 'store_keeper')).toHaveLength(6)
  })

  it('marks the columns the server requires', () => {
    const required = (kind) =>
      importColumnsFor(kind, 'county_admin')
        .filter((column) => column.required)
        .map((column) => column.name)
    expect(required('households')).toEqual(['village_code', 'head_name'])
    expect(required('producers')).toEqual(['kind', 'name', 'village_code'])
    expect(required('products')).toEqual([
      'store_id',
      'producer_id',
      'category_code',
      'name',
      'origin_village_code',
      'sku_code',
      'price_fen',
      'stock',
    ])
    expect(kImportKinds).toEqual(['households', 'producers', 'products'])
  })
})
