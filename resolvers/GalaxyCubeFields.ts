import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { GalaxyRecord } from "../catalog/galaxy-record.js";
import { checkImageRequest, checkSpectrumRequest, imageView, spectrumView } from "../cube/views.js";
import { Band } from "../schema/Band.js";
import { Galaxy } from "../schema/Galaxy.js";
import { Image } from "../schema/Image.js";
import { Spectrum } from "../schema/Spectrum.js";
import type { Context } from "./context.js";
import { arrayData } from "./NumberArrayFields.js";

export const SPECTRUM_UNIT = "1e-17 erg/s/cm^2/Angstrom";

@Resolver(() => Galaxy)
export class GalaxyCubeFields {
  @FieldResolver(() => Image, {
    nullable: true,
    description: "The five-band cutout at a zoom level (0 = 64 px … 4 = 4 px) or any size from 4 to 64 px; null when the cube has no image of this galaxy.",
    complexity: 20,
  })
  async image(
    @Root() galaxy: GalaxyRecord,
    @Ctx() context: Context,
    @Arg("zoom", () => Int, { nullable: true, description: "Precomputed level 0..4 (default 0)." }) zoom: number | null,
    @Arg("size", () => Int, { nullable: true, description: "Pixels per side, 4..64; overrides zoom (sizes between levels are rebinned on the fly)." }) size: number | null,
    @Arg("bands", () => [Band], { nullable: true, description: "Bands to return, in this order (default u, g, r, i, z)." }) bands: Band[] | null,
  ) {
    if (!galaxy.hasImage || galaxy.cube === null) {
      checkImageRequest({ zoom, size, bands }); // a bad argument is reported even where there is no image
      return null;
    }
    checkImageRequest({ zoom, size, bands });
    await context.cube.verify([galaxy.cube]);
    const view = imageView(context.cube, galaxy.cube, { zoom, size, bands });
    const shape = [view.bands.length, view.size, view.size];
    return {
      zoom: view.zoom,
      size: view.size,
      bands: view.bands,
      pixelScaleArcsec: view.pixelScaleArcsec,
      wcs: view.wcs,
      flux: arrayData(view.value, shape),
      sigma: arrayData(view.sigma, shape),
      mask: arrayData(view.mask, shape),
    };
  }

  @FieldResolver(() => Spectrum, {
    nullable: true,
    description: "The spectrum at a zoom level (0 = 4620 bins … 4 = 288) or any length from 288 to 4620 bins; null when the cube has no spectrum of this galaxy.",
    complexity: 20,
  })
  async spectrum(
    @Root() galaxy: GalaxyRecord,
    @Ctx() context: Context,
    @Arg("zoom", () => Int, { nullable: true, description: "Precomputed level 0..4 (default 0)." }) zoom: number | null,
    @Arg("bins", () => Int, { nullable: true, description: "Number of bins, 288..4620; overrides zoom." }) bins: number | null,
  ) {
    if (!galaxy.hasSpectrum || galaxy.cube === null) {
      checkSpectrumRequest({ zoom, bins });
      return null;
    }
    checkSpectrumRequest({ zoom, bins });
    await context.cube.verify([galaxy.cube]);
    const view = spectrumView(context.cube, galaxy.cube, { zoom, bins });
    const shape = [view.value.length];
    return {
      zoom: view.zoom,
      length: view.value.length,
      unit: SPECTRUM_UNIT,
      wavelength: arrayData(view.wavelengthAngstrom, shape),
      flux: arrayData(view.value, shape),
      sigma: arrayData(view.sigma, shape),
      mask: arrayData(view.mask, shape),
    };
  }
}
