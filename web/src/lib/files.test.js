import { describe, expect, it } from 'vitest'
import { acceptFor, contentTypeOf, kCsv, kEvidenceTypes, kImportTypes, kPictureTypes, kXlsx } from './files.js'

describe('contentTypeOf', () => {
  it('types imports by extension, whatever the case', () => {
    expect(contentTypeOf('农户名单.csv', kImportTypes)).toBe(kCsv)
    expect(contentTypeOf('Households.XLSX', kImportTypes)).toBe(kXlsx)
  })

  it('refuses what the endpoint does not read', () => {
    expect(contentTypeOf('old.xls', kImportTypes)).toBe('')
    expect(contentTypeOf('evidence.pdf', kPictureTypes)).toBe('')
    expect(contentTypeOf('no-extension', kEvidenceTypes)).toBe('')
    expect(contentTypeOf('photo.jpg.', kPictureTypes)).toBe('')
  })

  it('knows both spellings of JPEG and accepts PDF evidence', () => {
    expect(contentTypeOf('a.jpg', kPictureTypes)).toBe('image/jpeg')
    expect(contentTypeOf('a.jpeg', kPictureTypes)).toBe('image/jpeg')
    expect(contentTypeOf('证书.pdf', kEvidenceTypes)).toBe('application/pdf')
  })
})

describe('acceptFor', () => {
  it('lists the extensions of the allowed types', () => {
    expect(acceptFor(kImportTypes)).toBe('.csv,.xlsx')
    expect(acceptFor(kPictureTypes)).toBe('.jpg,.jpeg,.png,.webp')
  })
})
