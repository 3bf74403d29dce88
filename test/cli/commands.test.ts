// Every command group is reachable from the built binary (wiring, not behaviour: each group has its own tests).
import { describe, expect, it } from 'vitest';
import { kernelfit } from './run-cli.ts';

describe('the kernelfit binary', () => {
  it('has the space, hw (with occupancy) and tune commands', () => {
    const help = kernelfit(['--help']).stdout;
    for (const c of ['space', 'hw', 'tune']) expect(help).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
    const occ = kernelfit(['hw', 'occupancy', '--gpu', 'h100-sxm', '--threads', '256', '--regs', '32', '--smem', '0', '--json']);
    expect(occ.code).toBe(0);
    expect(JSON.parse(occ.stdout).activeBlocksPerSM).toBe(8);
    expect(kernelfit(['hw', 'list']).stdout).toMatch(/h100-sxm/);
  });

  it('an unknown command or option: exit 2 and a usage message', () => {
    const r = kernelfit(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
