-- Which files each catalogued object came from: the spectra combined into
-- its spectrum and the frames its cutout was cut from.
CREATE TABLE galaxy_sources (
  galaxy_id  bigint NOT NULL REFERENCES galaxies (id) ON DELETE CASCADE,
  role       text NOT NULL CHECK (role IN ('SPECTRUM', 'FRAME', 'CUBE')),
  file       text NOT NULL,
  plate      integer,
  mjd        integer,
  fiberid    integer,
  run        integer,
  camcol     integer,
  field      integer,
  band       text,
  PRIMARY KEY (galaxy_id, role, file)
);
