-- The galaxy catalogue. Positions are ICRS degrees; healpix29 is the nested
-- HEALPix index at order 29 (MOC 2.0 / Gaia convention: the order-k cell is
-- healpix29 >> 2*(29-k)).
CREATE TABLE galaxies (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Key of the record in the source it came from ("synthetic/<seed>/<n>",
  -- "sdss/<specobjid>", …): ingesting the same source twice changes nothing.
  source_key   text NOT NULL UNIQUE,
  survey       text NOT NULL CHECK (survey IN ('SDSS', 'SYNTHETIC', 'HISSCUBE')),
  objid        bigint,
  specobjid    numeric(20, 0),
  plate        integer,
  mjd          integer,
  fiberid      integer,
  ra           double precision NOT NULL CHECK (ra >= 0 AND ra < 360),
  dec          double precision NOT NULL CHECK (dec >= -90 AND dec <= 90),
  healpix29    bigint NOT NULL CHECK (healpix29 >= 0 AND healpix29 < 3458764513820540928),
  redshift     double precision,
  class        text,
  -- MPA-JHU total SFR (log10 Msun/yr): AVG, MEDIAN and percentiles; FLAG 0 = good.
  sfr_avg      double precision,
  sfr_median   double precision,
  sfr_p2p5     double precision,
  sfr_p16      double precision,
  sfr_p84      double precision,
  sfr_p97p5    double precision,
  sfr_flag     integer,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX galaxies_healpix29 ON galaxies (healpix29);
CREATE INDEX galaxies_plate_mjd_fiber ON galaxies (plate, mjd, fiberid);
