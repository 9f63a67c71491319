import { Field, ObjectType } from "type-graphql";

@ObjectType({
  description:
    "Where to download a selection's arrays in bulk, as one NumPy .npz (GET; see the README's Bulk downloads): ids, flux, sigma, mask (and bands or wavelength). For a coneSearch without a prediction filter, the whole cone (every page, nearest first, galaxies with that data only); otherwise the ids of this page.",
})
export class BulkDownload {
  @Field(() => String, { nullable: true, description: "GET URL of the images (/bulk/images); null when the selection is this page's ids and none has an image." })
  imagesUrl!: string | null;

  @Field(() => String, { nullable: true, description: "GET URL of the spectra (/bulk/spectra); null when the selection is this page's ids and none has a spectrum." })
  spectraUrl!: string | null;
}
