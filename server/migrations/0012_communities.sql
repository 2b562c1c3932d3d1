-- Communities (社区): the inputs of the plan norms of 商服贸函〔2018〕157号
-- 三(二) belong to the community, not to a centre. A new community (新建社区)
-- plans its commercial and comprehensive service facilities at 10% of its
-- total floor area or more; every community should have 30 m² of
-- comprehensive service facilities (社区综合服务设施) per 100 households.
-- `centre_code`: the registered centre serving the community, if any.
CREATE TABLE communities (
    code                      TEXT PRIMARY KEY,
    name                      TEXT NOT NULL,
    province                  TEXT NOT NULL,
    city                      TEXT NOT NULL,
    county                    TEXT NOT NULL,
    township                  TEXT NOT NULL DEFAULT '',
    is_new                    INTEGER NOT NULL,
    total_floor_area_m2       REAL,
    facility_area_m2          REAL,
    service_facility_area_m2  REAL,
    households                REAL,
    centre_code               TEXT,
    updated_at                INTEGER NOT NULL
) STRICT;
CREATE INDEX communities_centre ON communities(centre_code);
CREATE INDEX communities_region ON communities(province, city, county);
