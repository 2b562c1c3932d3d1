-- The zone a centre's standards follow (东中部/西部, SB/T 10393-2005), when
-- the county sets it (NULL: the province decides), and the map datum its
-- position was entered in (lat/lon are always stored as WGS-84).
ALTER TABLE centres ADD COLUMN zone TEXT CHECK (zone IN ('east_central', 'west'));
ALTER TABLE centres ADD COLUMN datum TEXT NOT NULL DEFAULT 'wgs84' CHECK (datum IN ('wgs84', 'gcj02', 'bd09'));
