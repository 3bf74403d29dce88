// Row sums: y[r] = Σ x[r·COLS + c] for each of ROWS rows (f32). One workgroup per row: each invocation keeps
// IPT independent partial sums over elements WG apart (coalesced loads, IPT loads in flight), then the
// workgroup adds its WG partial sums as a tree in workgroup memory.
// WG and IPT arrive as ${…} text (they size arrays); COLS is a pipeline override.

override COLS: u32;

const WG = ${WG}u;
const IPT = ${IPT}u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let row = wid.x;
  let base = row * COLS;
  var s: array<f32, IPT>;
  for (var i = lid.x; i < COLS; i += WG * IPT) {
    for (var j = 0u; j < IPT; j++) {
      let c = i + j * WG;
      if (c < COLS) {
        s[j] += x[base + c];
      }
    }
  }
  var t = 0.0;
  for (var j = 0u; j < IPT; j++) {
    t += s[j];
  }
  partial[lid.x] = t;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid.x < stride) {
      partial[lid.x] += partial[lid.x + stride];
    }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    y[row] = partial[0];
  }
}
