// WGSL → compute pipeline, with every failure captured as a result: shader compilation errors (the module's
// compilation messages) are 'compile', pipeline validation errors (a workgroup too large, too much workgroup
// storage, a missing override, a binding that does not match the layout) are 'invalid'. Pipelines are built
// with createComputePipelineAsync so several can be in flight; shader modules are shared between
// configurations whose WGSL text is the same (override-only parameters).
/// <reference types="@webgpu/types" />
import type { PreparedShader } from './source.ts';

export type CompileResult =
  | { ok: true; pipeline: GPUComputePipeline; compileMs: number }
  | { ok: false; status: 'compile' | 'invalid'; message: string; compileMs: number };

function messagesOf(info: GPUCompilationInfo): string {
  return info.messages
    .filter((m) => m.type === 'error')
    .map((m) => `${m.lineNum}:${m.linePos}: ${m.message}`)
    .join('\n');
}

export class PipelineCompiler {
  private readonly modules = new Map<string, Promise<{ module: GPUShaderModule; error?: string }>>();

  constructor(private readonly device: GPUDevice, private readonly layout: GPUPipelineLayout, private readonly entry: string) {}

  private module(code: string): Promise<{ module: GPUShaderModule; error?: string }> {
    let m = this.modules.get(code);
    if (!m) {
      const device = this.device;
      device.pushErrorScope('validation');
      const module = device.createShaderModule({ code });
      const scope = device.popErrorScope();
      m = Promise.all([module.getCompilationInfo(), scope]).then(([info, err]) => {
        const text = messagesOf(info) || err?.message;
        return text ? { module, error: text } : { module };
      });
      this.modules.set(code, m);
      // keep the cache small: a templated space has one module per configuration
      if (this.modules.size > 64) this.modules.delete(this.modules.keys().next().value!);
    }
    return m;
  }

  async compile(shader: PreparedShader): Promise<CompileResult> {
    const t0 = performance.now();
    const { module, error } = await this.module(shader.code);
    if (error) return { ok: false, status: 'compile', message: error, compileMs: performance.now() - t0 };
    const device = this.device;
    // scopes are a stack shared by every compile in flight: pop them right after the (synchronous) call;
    // the asynchronous part of a failure arrives as the promise's rejection (GPUPipelineError)
    device.pushErrorScope('validation');
    device.pushErrorScope('internal');
    const pending = device.createComputePipelineAsync({
      layout: this.layout,
      compute: { module, entryPoint: this.entry, constants: shader.constants },
    });
    const scopes = Promise.all([device.popErrorScope(), device.popErrorScope()]);
    let pipeline: GPUComputePipeline | undefined;
    let failure: string | undefined;
    try {
      pipeline = await pending;
    } catch (err) {
      failure = (err as Error).message || String(err);
    }
    const [internal, validation] = await scopes;
    const compileMs = performance.now() - t0;
    failure ??= validation?.message ?? internal?.message;
    if (failure || !pipeline) return { ok: false, status: 'invalid', message: failure ?? 'no pipeline', compileMs };
    return { ok: true, pipeline, compileMs };
  }
}
