import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { GalaxyRecord } from "../catalog/galaxy-record.js";
import type { Page } from "../catalog/page.js";
import { GalaxyConnection, GalaxyEdge, PageInfo } from "../schema/GalaxyConnection.js";
import { pageInfoOf } from "./connection.js";
import { BulkDownload } from "../schema/BulkDownload.js";
import { Band } from "../schema/Band.js";
import { InputChecker } from "../errors/codes.js";
import { ZOOM_LEVELS } from "../cube/zoom.js";
import type { Context } from "./context.js";

/** A page of galaxies; coneSearch (without a prediction filter) adds its cone, which `bulk` downloads whole. */
export type GalaxyPage = Page<GalaxyRecord> & { cone?: { ra: number; dec: number; radius: number } | null };

@Resolver(() => GalaxyConnection)
export class GalaxyConnectionFields {
  @FieldResolver(() => [GalaxyEdge])
  edges(@Root() page: Page<GalaxyRecord>) {
    return page.nodes.map((node, i) => ({
      node,
      distanceDeg: node.distanceDeg ?? null,
      get cursor() {
        return page.cursorOf(i);
      },
    }));
  }

  @FieldResolver(() => PageInfo)
  pageInfo(@Root() page: Page<GalaxyRecord>) {
    return pageInfoOf(page);
  }

  @FieldResolver(() => BulkDownload, {
    description: "URLs that download this selection's images and spectra as one NumPy .npz each (the whole cone for coneSearch without a prediction filter, else this page's ids).",
  })
  bulk(
    @Root() page: GalaxyPage,
    @Ctx() context: Context,
    @Arg("zoom", () => Int, { nullable: true, description: "Precomputed level 0..4 (default 0) of both images and spectra." }) zoom: number | null,
    @Arg("bands", () => [Band], { nullable: true, description: "Image bands, in this order (default u, g, r, i, z)." }) bands: Band[] | null,
  ): BulkDownload {
    new InputChecker()
      .check(zoom == null || (Number.isInteger(zoom) && zoom >= 0 && zoom < ZOOM_LEVELS), "zoom", `must be an integer in [0, ${ZOOM_LEVELS - 1}]`)
      .check(bands == null || (bands.length > 0 && new Set(bands).size === bands.length), "bands", "must be distinct bands")
      .throwIfAny();
    const base = `${context.baseUrl}/bulk`;
    const common = `zoom=${zoom ?? 0}`;
    const bandsParam = bands ? `&bands=${bands.join(",")}` : "";
    if (page.cone) {
      const cone = `ra=${page.cone.ra}&dec=${page.cone.dec}&radius=${page.cone.radius}&${common}`;
      return { imagesUrl: `${base}/images?${cone}${bandsParam}`, spectraUrl: `${base}/spectra?${cone}` };
    }
    const images = page.nodes.filter((g) => g.hasImage && g.cube !== null).map((g) => g.id);
    const spectra = page.nodes.filter((g) => g.hasSpectrum && g.cube !== null).map((g) => g.id);
    return {
      imagesUrl: images.length === 0 ? null : `${base}/images?ids=${images.join(",")}&${common}${bandsParam}`,
      spectraUrl: spectra.length === 0 ? null : `${base}/spectra?ids=${spectra.join(",")}&${common}`,
    };
  }

  @FieldResolver(() => Int)
  totalCount(@Root() page: Page<GalaxyRecord>): Promise<number> {
    return page.totalCount();
  }
}
