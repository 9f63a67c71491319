-- Multi-object cutouts (issue 13): how many sources the galaxy's r-band
-- zoom-0 cutout holds (models/features/source-detection.ts: flux in units
-- of its sigma, threshold, connected components), computed lazily — on the
-- first read of Galaxy.sourceCount / blended, or before a training run with
-- excludeBlended — and stored. NULL: not computed yet, or no image.
ALTER TABLE galaxies ADD COLUMN source_count integer CHECK (source_count >= 0);
ALTER TABLE galaxies ADD COLUMN blended boolean GENERATED ALWAYS AS (source_count > 1) STORED;
