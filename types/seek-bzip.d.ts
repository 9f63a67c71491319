/** Types for seek-bzip 2 (pure-JavaScript bzip2 decoder); the package ships none. */
declare module "seek-bzip" {
  const Bunzip: {
    /** Decompresses a whole bzip2 stream. */
    decode(input: Buffer, output?: Buffer): Buffer;
  };
  export default Bunzip;
}
