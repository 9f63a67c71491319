-- Where a galaxy's image and spectrum live in the HDF5 cube (DATA_DIR/cube.h5):
-- its row in every cube dataset. NULL: nothing in the cube.
ALTER TABLE galaxies ADD COLUMN cube_row integer UNIQUE CHECK (cube_row >= 0);
ALTER TABLE galaxies ADD COLUMN has_image boolean NOT NULL DEFAULT false;
ALTER TABLE galaxies ADD COLUMN has_spectrum boolean NOT NULL DEFAULT false;
