/**
 * Conv2DBackpropFilter for the wasm backend, which does not ship one (tfjs
 * 4.22 in Node): without it no convolution weight can be trained there.
 *
 * The filter gradient is itself a forward convolution with the roles of
 * batch and channels swapped (e.g. Dumoulin & Visin 2016, "A guide to
 * convolution arithmetic", sect. 4):
 *
 *   dW[kh, kw, ci, co] = Σ_{n, h, w} xPadded[n, h·sh + kh, w·sw + kw, ci] · dy[n, h, w, co]
 *
 * i.e. the padded input seen as a batch of `ci` images with `n` channels,
 * convolved ("valid", dilation = the forward stride) with `dy` seen as an
 * (outHeight x outWidth) filter from `n` to `co` channels. It is composed
 * from kernels the wasm backend has (PadV2, Transpose, Conv2D, Slice), so it
 * runs at XNNPACK speed on one core. Conv1D goes through Conv2D and is
 * covered too.
 */
import * as tf from "@tensorflow/tfjs";

type KernelFunc = tf.KernelConfig["kernelFunc"];
type Info = tf.TensorInfo;

function kernel(name: string, backendName: string): KernelFunc {
  const config = tf.getKernel(name, backendName);
  if (!config) throw new Error(`backend ${backendName} has no ${name} kernel`);
  return config.kernelFunc;
}

/** Registers the kernel on `backendName` unless it already has one. */
export function registerConvFilterGradient(backendName: string): void {
  if (tf.getKernel("Conv2DBackpropFilter", backendName)) return;
  const pad = kernel("PadV2", backendName);
  const transpose = kernel("Transpose", backendName);
  const conv2d = kernel("Conv2D", backendName);
  const slice = kernel("Slice", backendName);

  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: Info; dy: Info };
      const { strides, pad: padding, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
        strides: number | [number, number];
        pad: "valid" | "same" | number;
        dataFormat: "NHWC" | "NCHW";
        dimRoundingMode?: "floor" | "round" | "ceil";
        filterShape: [number, number, number, number];
      };
      if (dataFormat === "NCHW") throw new Error("Conv2DBackpropFilter on wasm: only NHWC is supported");
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        padding,
        dimRoundingMode,
      );
      const temporaries: Info[] = [];
      const run = (f: KernelFunc, kernelInputs: object, kernelAttrs: object): Info => {
        const out = f({ inputs: kernelInputs as tf.NamedTensorInfoMap, backend, attrs: kernelAttrs as tf.NamedAttrMap }) as Info;
        temporaries.push(out);
        return out;
      };
      try {
        const { top, bottom, left, right } = info.padInfo;
        const padded = top || bottom || left || right
          ? run(pad, { x }, { paddings: [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]], constantValue: 0 })
          : x;
        // [n, h, w, ci] → [ci, h, w, n]: a batch of ci images with n channels.
        const images = run(transpose, { x: padded }, { perm: [3, 1, 2, 0] });
        // [n, oh, ow, co] → [oh, ow, n, co]: an oh x ow filter from n to co channels.
        const filter = run(transpose, { x: dy }, { perm: [1, 2, 0, 3] });
        const correlated = run(conv2d, { x: images, filter }, {
          strides: [1, 1],
          pad: "valid",
          dataFormat: "NHWC",
          dilations: [info.strideHeight, info.strideWidth],
          dimRoundingMode: undefined,
        });
        // The correlation may extend past the filter when padding leaves extra rows/columns.
        const [, ch, cw] = correlated.shape;
        const trimmed = ch !== info.filterHeight || cw !== info.filterWidth
          ? run(slice, { x: correlated }, { begin: [0, 0, 0, 0], size: [info.inChannels, info.filterHeight, info.filterWidth, info.outChannels] })
          : correlated;
        // [ci, kh, kw, co] → [kh, kw, ci, co]
        const result = transpose({ inputs: { x: trimmed }, backend, attrs: { perm: [1, 2, 0, 3] } }) as Info;
        return result;
      } finally {
        for (const t of temporaries) (backend as tf.KernelBackend).disposeData(t.dataId);
      }
    },
  });
}
