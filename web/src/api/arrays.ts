/** NumberArray fields: base64 of little-endian raw values (README, "Images and spectra"). */
export interface NumberArray {
  dtype: string;
  shape: number[];
  base64: string;
}

function bytesOf(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Decodes float32/float64/uint8/int32 arrays; the browser is little-endian on every platform we target, checked once. */
export function decodeArray(array: NumberArray): Float64Array | Float32Array | Uint8Array | Int32Array {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error("big-endian browsers are not supported");
  const bytes = bytesOf(array.base64);
  switch (array.dtype) {
    case "float32": return new Float32Array(bytes.buffer, 0, bytes.length / 4);
    case "float64": return new Float64Array(bytes.buffer, 0, bytes.length / 8);
    case "uint8": return bytes;
    case "int32": return new Int32Array(bytes.buffer, 0, bytes.length / 4);
    default: throw new Error(`unknown dtype ${array.dtype}`);
  }
}
