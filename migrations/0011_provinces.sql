-- The 31 province-level divisions of the mainland (GB/T 2260 codes, as published by the
-- Ministry of Civil Affairs and the National Bureau of Statistics). Hong Kong, Macao and
-- Taiwan are left out: parcels there are cross-border shipments, which the platform does
-- not handle. Inside Longnan, addresses go down to the village; elsewhere to the province,
-- with the rest of the address in words.
INSERT INTO divisions (code, name, level, parent_code) VALUES
  ('110000', '北京市', 'province', NULL), ('120000', '天津市', 'province', NULL),
  ('130000', '河北省', 'province', NULL), ('140000', '山西省', 'province', NULL),
  ('150000', '内蒙古自治区', 'province', NULL), ('210000', '辽宁省', 'province', NULL),
  ('220000', '吉林省', 'province', NULL), ('230000', '黑龙江省', 'province', NULL),
  ('310000', '上海市', 'province', NULL), ('320000', '江苏省', 'province', NULL),
  ('330000', '浙江省', 'province', NULL), ('340000', '安徽省', 'province', NULL),
  ('350000', '福建省', 'province', NULL), ('360000', '江西省', 'province', NULL),
  ('370000', '山东省', 'province', NULL), ('410000', '河南省', 'province', NULL),
  ('420000', '湖北省', 'province', NULL), ('430000', '湖南省', 'province', NULL),
  ('440000', '广东省', 'province', NULL), ('450000', '广西壮族自治区', 'province', NULL),
  ('460000', '海南省', 'province', NULL), ('500000', '重庆市', 'province', NULL),
  ('510000', '四川省', 'province', NULL), ('520000', '贵州省', 'province', NULL),
  ('530000', '云南省', 'province', NULL), ('540000', '西藏自治区', 'province', NULL),
  ('610000', '陕西省', 'province', NULL), ('620000', '甘肃省', 'province', NULL),
  ('630000', '青海省', 'province', NULL), ('640000', '宁夏回族自治区', 'province', NULL),
  ('650000', '新疆维吾尔自治区', 'province', NULL);
-- Longnan's city now has its province above it (loaded later on a new database).
UPDATE divisions SET parent_code = '620000' WHERE level = 'city' AND code LIKE '62%';
