/** The part of tsne-js 1.0.3 (no types of its own) that models/embedding uses. */
declare module "tsne-js" {
  interface TsneOptions {
    dim?: number;
    perplexity?: number;
    earlyExaggeration?: number;
    learningRate?: number;
    nIter?: number;
    metric?: "euclidean" | "manhattan" | "jaccard" | "dice";
  }
  export default class TSNE {
    constructor(options?: TsneOptions);
    init(input: { data: number[][]; type: "dense" | "sparse" }): void;
    run(): [number, number];
    getOutput(): number[][];
    getOutputScaled(): number[][];
  }
}
