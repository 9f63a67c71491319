/**
 * MaxPoolGrad for the wasm backend. The kernel tfjs-backend-wasm 4.22 ships
 * routes no gradient out of a window whose maximum is negative (it compares
 * against 0, not −∞; found by test/cnn-gradients.test.ts against the cpu
 * backend). Our networks pool after ReLU, where that cannot happen, but a
 * wrong gradient must not be one layer change away, so this replaces it:
 * each output's gradient goes to the first maximum of its window, as on the
 * cpu backend. Plain JavaScript over the wasm heap: one pass over the windows.
 */
import * as tf from "@tensorflow/tfjs";

/** The parts of the wasm backend this kernel uses (it is not exported with types). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

export function registerMaxPoolGradient(backendName: string): void {
  if (tf.getKernel("MaxPoolGrad", backendName)) tf.unregisterKernel("MaxPoolGrad", backendName);
  tf.registerKernel({
    kernelName: "MaxPoolGrad",
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
      const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
        filterSize: number | [number, number];
        strides: number | [number, number];
        pad: "valid" | "same" | number;
        dimRoundingMode?: "floor" | "round" | "ceil";
      };
      const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
      const wasm = backend as unknown as WasmBackend;
      const dx = wasm.makeOutput(input.shape, "float32");
      // Views after the allocation: growing the heap detaches older views.
      const x = wasm.typedArrayFromHeap(input);
      const gradient = wasm.typedArrayFromHeap(dy);
      const out = wasm.typedArrayFromHeap(dx);
      out.fill(0);
      const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
      const { top, left } = info.padInfo;
      let o = 0;
      for (let n = 0; n < batchSize; n++) {
        const batchOffset = n * inHeight * inWidth * channels;
        for (let oh = 0; oh < outHeight; oh++) {
          const h0 = oh * strideHeight - top;
          for (let ow = 0; ow < outWidth; ow++) {
            const w0 = ow * strideWidth - left;
            for (let c = 0; c < channels; c++, o++) {
              let best = -Infinity;
              let at = -1;
              for (let fh = 0; fh < filterHeight; fh++) {
                const h = h0 + fh;
                if (h < 0 || h >= inHeight) continue;
                for (let fw = 0; fw < filterWidth; fw++) {
                  const w = w0 + fw;
                  if (w < 0 || w >= inWidth) continue;
                  const i = batchOffset + (h * inWidth + w) * channels + c;
                  if (x[i] > best || at < 0) {
                    best = x[i];
                    at = i;
                  }
                }
              }
              if (at >= 0) out[at] += gradient[o];
            }
          }
        }
      }
      return dx;
    },
  });
}
