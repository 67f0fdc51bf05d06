// no WGSL: naga validation failed: WGSL output: Unsupported builtin value: PointCoord
