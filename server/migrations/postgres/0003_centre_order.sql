-- The registry is read in code order within a region (keyset paging,
-- db/keyset.rs): a province's or a city's centres walk these indexes in
-- that order and stop at a page. Without them a name search, whose few
-- matches PostgreSQL cannot estimate, walked the country's code index
-- (90 ms for 500,000 centres; 4 ms with them).
CREATE INDEX centres_province_order ON centres(province, code);
CREATE INDEX centres_city_order ON centres(province, city, code);
