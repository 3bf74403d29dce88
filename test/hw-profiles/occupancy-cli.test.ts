// `kernelfit hw occupancy` (tuner/cli/hw-occupancy.ts): single launches, --json, --batch CSV, user errors.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerOccupancyCommand } from '../../tuner/cli/hw-occupancy.ts';
import { UserError } from '../../solver/user-error.ts';
import { dataPath } from '../data/occupancy/read-table.ts';

async function cli(args: string[]): Promise<string> {
  let text = '';
  const program = new Command('kernelfit').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  const hw = program.command('hw').exitOverride();
  registerOccupancyCommand(hw, { write: (t) => void (text += t) }).exitOverride();
  await program.parseAsync(['hw', 'occupancy', ...args], { from: 'user' });
  return text;
}

function tmpFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kf-occ-cli-')), name);
  writeFileSync(path, content);
  return path;
}

describe('kernelfit hw occupancy', () => {
  it('one launch, text', async () => {
    const text = await cli(['--gpu', 'h100-sxm', '--threads', '256', '--regs', '64', '--smem', '16384']);
    expect(text).toContain('active blocks per SM: 4 (limited by registers)');
    expect(text).toContain('occupancy: 50% (32 of 64 warps)');
    expect(text).toContain('0 B static + 16384 B dynamic shared memory');
  });

  it('one launch, JSON, with static shared memory and an alias for the GPU', async () => {
    const j = JSON.parse(await cli(['--gpu', 'h100', '--threads', '128', '--regs', '32', '--smem', '49152', '--static-smem', '1000', '--json']));
    expect(j).toMatchObject({
      gpu: 'h100-sxm', threadsPerBlock: 128, registersPerThread: 32, staticSharedMemory: 1000, dynamicSharedMemory: 49152,
      activeBlocksPerSM: 4, limitedBy: 'sharedMemory', allocatedSharedMemoryPerBlock: 51200,
    });
    expect(j.blockLimits).toEqual({ warps: 16, registers: 16, sharedMemory: 4, blocks: 32 });
  });

  it('other NVIDIA profiles and the carveout flag', async () => {
    const j = JSON.parse(await cli(['--gpu', 'rtx-3090', '--threads', '64', '--regs', '16', '--json']));
    expect(j.activeBlocksPerSM).toBe(16);
    expect(j.limitedBy).toBe('blocks');
    const c = JSON.parse(await cli(['--gpu', 'h100-sxm', '--threads', '64', '--regs', '32', '--smem', '20480', '--carveout', '25', '--json']));
    expect(c.activeBlocksPerSM).toBe(3);
  });

  it('--batch: columns in any order, extra columns kept, the result appended', async () => {
    const csv = 'name,dynamic_smem,regs_per_thread,threads_per_block,static_smem\n"gemm, big",0,32,256,0\nsmall,49152,32,128,1000\r\nbad-fit,232449,32,128,0\n';
    const out = await cli(['--gpu', 'h100-sxm', '--batch', tmpFile('in.csv', csv)]);
    expect(out).toBe(
      'name,dynamic_smem,regs_per_thread,threads_per_block,static_smem,active_blocks_per_sm\n' +
        '"gemm, big",0,32,256,0,8\nsmall,49152,32,128,1000,4\nbad-fit,232449,32,128,0,0\n',
    );
  });

  it('--batch over the H100 ground truth reproduces the driver column', async () => {
    const out = await cli(['--gpu', 'h100-sxm', '--batch', dataPath('h100-sxm.csv')]);
    const lines = out.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines[0]).toBe('threads_per_block,regs_per_thread,static_smem,dynamic_smem,active_blocks_per_sm,active_blocks_per_sm_kernelfit');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.length).toBe(readFileSync(dataPath('h100-sxm.csv'), 'utf8').split('\n').filter((l) => /^\d/.test(l)).length);
    expect(rows.filter((r) => r[4] !== r[5])).toEqual([]);
    // comment lines pass through
    expect(out.startsWith('# device: NVIDIA H100 80GB HBM3\n')).toBe(true);
  });

  it('bad rows name the line and the column', async () => {
    const f = tmpFile('bad.csv', 'threads_per_block,regs_per_thread,static_smem,dynamic_smem\n256,32,0,0\n256,abc,0,0\n');
    await expect(cli(['--gpu', 'h100-sxm', '--batch', f])).rejects.toThrow(/bad\.csv: line 3 \(row 2\), column regs_per_thread: 'abc' is not an integer ≥ 0/);
    const g = tmpFile('short.csv', 'threads_per_block,regs_per_thread,static_smem,dynamic_smem\n256,32,0\n');
    await expect(cli(['--gpu', 'h100-sxm', '--batch', g])).rejects.toThrow(/line 2 \(row 1\): 3 fields, the header has 4/);
    const h = tmpFile('nohead.csv', 'threads,regs\n256,32\n');
    await expect(cli(['--gpu', 'h100-sxm', '--batch', h])).rejects.toThrow(/lacks columns threads_per_block, regs_per_thread, static_smem, dynamic_smem/);
    const z = tmpFile('zero.csv', 'threads_per_block,regs_per_thread,static_smem,dynamic_smem\n0,32,0,0\n');
    await expect(cli(['--gpu', 'h100-sxm', '--batch', z])).rejects.toThrow(/column threads_per_block: '0' is not an integer ≥ 1/);
    await expect(cli(['--gpu', 'h100-sxm', '--batch', '/nonexistent.csv'])).rejects.toThrow(UserError);
  });

  it('bad flags are UserErrors naming the flag', async () => {
    await expect(cli(['--gpu', 'h100-sxm', '--threads', '25x', '--regs', '32'])).rejects.toThrow(/--threads: '25x' is not an integer ≥ 1/);
    await expect(cli(['--gpu', 'h100-sxm', '--threads', '256', '--regs', '-3'])).rejects.toThrow(/--regs/);
    await expect(cli(['--gpu', 'h100-sxm', '--threads', '256'])).rejects.toThrow(/give --threads and --regs/);
    await expect(cli(['--gpu', 'webgpu-default', '--threads', '256', '--regs', '32'])).rejects.toThrow(/needs an NVIDIA GPU profile/);
    await expect(cli(['--gpu', 'no-such-gpu', '--threads', '256', '--regs', '32'])).rejects.toThrow(/unknown GPU/);
    await expect(cli(['--gpu', 'h100-sxm', '--threads', '256', '--regs', '32', '--carveout', '120'])).rejects.toThrow(/carveout/);
    await expect(cli(['--gpu', 'h100-sxm', '--batch', 'x.csv', '--threads', '256'])).rejects.toThrow(/leave out --threads/);
  });
});
