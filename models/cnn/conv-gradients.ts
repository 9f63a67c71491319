/**
 * Convolution gradients for the wasm backend as forward convolutions, which
 * XNNPACK runs fast on one core.
 *
 * Conv2DBackpropFilter: tfjs-backend-wasm 4.22 does not ship one, so
 * without this no convolution weight can be trained there.
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
 * from kernels the wasm backend has (Transpose, Conv2D with explicit padding, Slice), so it
 * runs at XNNPACK speed on one core (an explicit im2col + BatchMatMul was
 * tried: 5x slower on wasm). Conv1D goes through Conv2D and is covered too.
 *
 * Conv2DBackpropInput: the wasm backend has one, but it is ~7x slower than
 * the forward convolution of the same size (measured: 23.8 ms against 3.5 ms
 * for 32 x 16 x 16 x 32 → 32 channels). For stride 1 the input gradient is
 * the correlation of dy, padded by (k − 1 − forward padding) on each side,
 * with the filter rotated by 180° and its channel axes swapped:
 *
 *   dx[n, i, j, ci] = Σ_{kh, kw, co} dyPadded[n, i + kh, j + kw, co] · W[K−1−kh, K−1−kw, ci, co]
 *
 * Other strides keep the backend's own kernel.
 */
import * as tf from "@tensorflow/tfjs";

type KernelFunc = tf.KernelConfig["kernelFunc"];
type Info = tf.TensorInfo;

function kernel(name: string, backendName: string): KernelFunc {
  const config = tf.getKernel(name, backendName);
  if (!config) throw new Error(`backend ${backendName} has no ${name} kernel`);
  return config.kernelFunc;
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** Registers both kernels on `backendName` (once). */
export function registerConvGradients(backendName: string): void {
  if (registered.has(backendName)) return;
  registered.add(backendName);
  registerFilterGradient(backendName);
  registerInputGradient(backendName);
}

const registered = new Set<string>();

function registerInputGradient(backendName: string): void {
  const originalConfig = tf.getKernel("Conv2DBackpropInput", backendName);
  if (!originalConfig) throw new Error(`backend ${backendName} has no Conv2DBackpropInput kernel`);
  const original = originalConfig.kernelFunc;
  const transpose = kernel("Transpose", backendName);
  const reverse = kernel("Reverse", backendName);
  const conv2d = kernel("Conv2D", backendName);
  tf.unregisterKernel("Conv2DBackpropInput", backendName);
  tf.registerKernel({
    kernelName: "Conv2DBackpropInput",
    backendName,
    // The backend's own kernel still serves strides > 1 and needs its setup.
    setupFunc: originalConfig.setupFunc,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const { dy, filter } = inputs as { dy: Info; filter: Info };
      const { strides, pad: padding, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
      const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, padding, dimRoundingMode);
      const { top, bottom, left, right } = info.padInfo;
      const pads = [info.filterHeight - 1 - top, info.filterHeight - 1 - bottom, info.filterWidth - 1 - left, info.filterWidth - 1 - right];
      if (dataFormat === "NCHW" || info.strideHeight !== 1 || info.strideWidth !== 1 || pads.some((p) => p < 0)) return original(args);
      const rotated = reverse({ inputs: { x: filter }, backend, attrs: { dims: [0, 1] } }) as Info;
      const swapped = transpose({ inputs: { x: rotated }, backend, attrs: { perm: [0, 1, 3, 2] } }) as Info;
      try {
        return conv2d({
          inputs: { x: dy, filter: swapped },
          backend,
          attrs: { strides: [1, 1], pad: [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]], dataFormat: "NHWC", dilations: [1, 1], dimRoundingMode: undefined } as unknown as tf.NamedAttrMap,
        });
      } finally {
        (backend as tf.KernelBackend).disposeData(rotated.dataId);
        (backend as tf.KernelBackend).disposeData(swapped.dataId);
      }
    },
  });
}

function registerFilterGradient(backendName: string): void {
  if (tf.getKernel("Conv2DBackpropFilter", backendName)) return;
  const transpose = kernel("Transpose", backendName);
  const conv2d = kernel("Conv2D", backendName);
  const slice = kernel("Slice", backendName);

  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: Info; dy: Info };
      const { strides, pad: padding, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
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
        // [n, h, w, ci] → [ci, h, w, n]: a batch of ci images with n channels (padded by the convolution below).
        const images = run(transpose, { x }, { perm: [3, 1, 2, 0] });
        // [n, oh, ow, co] → [oh, ow, n, co]: an oh x ow filter from n to co channels.
        const filter = run(transpose, { x: dy }, { perm: [1, 2, 0, 3] });
        const correlated = run(conv2d, { x: images, filter }, {
          strides: [1, 1],
          pad: [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]],
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

