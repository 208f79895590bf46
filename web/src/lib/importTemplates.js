// The columns the server reads from an imported table, per kind of import, in the order
// of the downloadable templates (see docs/openapi.yaml: HouseholdUpload, ProducerUpload,
// ProductUpload; src/region/region.cpp household_from_row, src/catalog/supply.cpp).
// `required` is what the server insists on; its own checks decide everything else.
export const kImportColumns = {
  households: [
    { name: 'village_code', required: true },
    { name: 'head_name', required: true },
    { name: 'members' },
    { name: 'phone' },
    { name: 'id_card' },
    { name: 'bank_account' },
    { name: 'poverty_status' },
  ],
  producers: [
    { name: 'kind', required: true },
    { name: 'name', required: true },
    { name: 'village_code', required: true },
    { name: 'household_id' },
    { name: 'credit_code' },
    { name: 'contact_name' },
  ],
  products: [
    { name: 'store_id', required: true, countyOnly: true },
    { name: 'producer_id', required: true },
    { name: 'category_code', required: true },
    { name: 'brand' },
    { name: 'name', required: true },
    { name: 'name_en' },
    { name: 'unit' },
    { name: 'description' },
    { name: 'origin_village_code', required: true },
    { name: 'sku_code', required: true },
    { name: 'price_fen', required: true },
    { name: 'stock', required: true },
    { name: 'weight_g' },
    { name: 'volume_ml' },
    { name: 'gtin' },
    { name: 'cold_chain' },
  ],
}

export const kImportKinds = Object.keys(kImportColumns)

// The columns a user of `role` fills in: a store keeper's products go to their own store,
// so the store_id column is left out of their template.
export function importColumnsFor(kind, role) {
  return kImportColumns[kind].filter((column) => !(column.countyOnly && role === 'store_keeper'))
}

// A template to fill in: the header row only, UTF-8 with a byte order mark so that
// Excel reads the Chinese text that users type into it (the server skips the mark).
export function importTemplateCsv(kind, role) {
  const header = importColumnsFor(kind, role).map((column) => column.name)
  return `\uFEFF${header.join(',')}\r\n`
}
