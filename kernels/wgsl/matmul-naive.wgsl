// Naive f32 matmul C = A·B (row-major, A M×K, B K×N): one output per invocation, straight from global memory.
// The fixed baseline that tuned kernels are compared with; its workgroup size is a pair of overrides.

override M: u32;
override N: u32;
override K: u32;
override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col = gid.x;
  let row = gid.y;
  if (row >= M || col >= N) {
    return;
  }
  var sum = 0.0;
  for (var k = 0u; k < K; k++) {
    sum = fma(A[row * K + k], B[k * N + col], sum);
  }
  C[row * N + col] = sum;
}
