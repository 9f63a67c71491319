"""Bytes per cube row per zoom level, measured from shard files (docs/SCALE.md).

    /usr/bin/python3 bench/cube-bytes.py DATA_DIR/cube/shards

Sums each dataset's allocated storage (h5py get_storage_size: after
compression, without HDF5 metadata) over every shard, per zoom and part,
and divides by the rows; the file sizes include the metadata (B-trees,
chunk index), reported as the overhead.
"""
import os
import sys
from collections import defaultdict

import h5py

root = sys.argv[1]
storage = defaultdict(int)
rows = 0
file_bytes = 0
shards = 0
for folder, _, files in os.walk(root):
    for name in files:
        if not name.endswith(".h5"):
            continue
        path = os.path.join(folder, name)
        shards += 1
        file_bytes += os.path.getsize(path)
        with h5py.File(path, "r") as f:
            rows += f["images/wcs"].shape[0]
            def visit(key, obj):
                if isinstance(obj, h5py.Dataset):
                    parts = key.split("/")
                    zoom = parts[1] if parts[1].isdigit() else "-"
                    storage[(parts[0], zoom, parts[-1])] += obj.id.get_storage_size()
            f.visititems(visit)

print(f"{shards} shards, {rows} rows, {file_bytes} bytes in files ({file_bytes / rows:.0f} per row)")
print("| zoom | images flux+sigma B/row | images mask B/row | spectra flux+sigma B/row | spectra mask B/row | total B/row |")
print("|---|---|---|---|---|---|")
total_data = 0
for zoom in ["0", "1", "2", "3", "4"]:
    im = storage[("images", zoom, "flux")] + storage[("images", zoom, "sigma")]
    imm = storage[("images", zoom, "mask")]
    sp = storage[("spectra", zoom, "flux")] + storage[("spectra", zoom, "sigma")]
    spm = storage[("spectra", zoom, "mask")]
    t = im + imm + sp + spm
    total_data += t
    print(f"| {zoom} | {im / rows:.0f} | {imm / rows:.0f} | {sp / rows:.0f} | {spm / rows:.0f} | {t / rows:.0f} |")
other = sum(v for (k, z, p), v in storage.items() if z == "-" or p == "wavelength")
print(f"WCS and wavelength grids: {other / rows:.0f} B/row; HDF5 metadata (files minus datasets): {(file_bytes - total_data - other) / rows:.0f} B/row")
