// Tiled f32 matmul C = A·B, row-major: A is M×K, B is K×N, C is M×N.
// A workgroup of WG_X×WG_Y invocations computes a BM×BN tile of C (BM = WG_Y·TM, BN = WG_X·TN); each
// invocation a TM×TN block in registers, its rows strided by WG_Y and its columns in vectors of VEC floats
// strided by WG_X vectors, so neighbouring invocations touch neighbouring addresses. K is walked BK at a
// time: the BM×BK tile of A (transposed, rows padded by one to spread the stores over the banks) and the
// BK×BN tile of B are staged in workgroup memory. B and C are read and written as vectors of VEC floats.
// Sizes must be multiples of the tiles (the spec's constraints); there are no bounds checks.
// Parameters arrive as ${…} text (they size function-scope arrays and fix the unrolled loop bounds);
// M, N, K are pipeline overrides.

alias VT = ${'f32' if VEC == 1 else ('vec2<f32>' if VEC == 2 else 'vec4<f32>')};

override M: u32;
override N: u32;
override K: u32;

const WG_X = ${WG_X}u;
const WG_Y = ${WG_Y}u;
const TM = ${TM}u;
const TN = ${TN}u;
const BK = ${BK}u;
const VEC = ${VEC}u;
const BM = WG_Y * TM;
const BN = WG_X * TN;
const BMP = BM + 1u;       // padded row of the transposed A tile
const TNV = TN / VEC;      // vectors per invocation row
const BNV = BN / VEC;      // vectors per tile row
const THREADS = WG_X * WG_Y;

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<VT>;
@group(0) @binding(2) var<storage, read_write> C: array<VT>;

var<workgroup> As: array<f32, BK * BMP>;   // As[k * BMP + m]
var<workgroup> Bs: array<VT, BK * BNV>;    // Bs[k * BNV + nv]

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let tx = lid.x;
  let ty = lid.y;
  let tid = ty * WG_X + tx;
  let row0 = wid.y * BM;
  let colv0 = wid.x * BNV;
  let NV = N / VEC;
  var acc: array<VT, TM * TNV>;
  var a: array<f32, TM>;
  var b: array<VT, TNV>;
  for (var k0 = 0u; k0 < K; k0 += BK) {
    for (var i = 0u; i < BM * BK / THREADS; i++) {
      let e = i * THREADS + tid;
      let m = e / BK;
      let k = e % BK;
      As[k * BMP + m] = A[(row0 + m) * K + k0 + k];
    }
    for (var i = 0u; i < BK * BNV / THREADS; i++) {
      let e = i * THREADS + tid;
      let k = e / BNV;
      let nv = e % BNV;
      Bs[k * BNV + nv] = B[(k0 + k) * NV + colv0 + nv];
    }
    workgroupBarrier();
    for (var k = 0u; k < BK; k++) {
      for (var i = 0u; i < TM; i++) {
        a[i] = As[k * BMP + ty + i * WG_Y];
      }
      for (var j = 0u; j < TNV; j++) {
        b[j] = Bs[k * BNV + tx + j * WG_X];
      }
      for (var i = 0u; i < TM; i++) {
        for (var j = 0u; j < TNV; j++) {
          acc[i * TNV + j] = fma(VT(a[i]), b[j], acc[i * TNV + j]);
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < TM; i++) {
    for (var j = 0u; j < TNV; j++) {
      C[(row0 + ty + i * WG_Y) * NV + colv0 + tx + j * WG_X] = acc[i * TNV + j];
    }
  }
}
