-- The registry is read in code order within a region (keyset paging,
-- db/keyset.rs): a province's or a city's centres walk these indexes in
-- that order and stop at a page, where the region index (…, county, code)
-- would sort the whole region first. A name search then reads one
-- region, not the country's code index.
CREATE INDEX centres_province_order ON centres(province, code);
CREATE INDEX centres_city_order ON centres(province, city, code);
