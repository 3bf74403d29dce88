// The 10 real search spaces (Kernel Tuner's and ATF's benchmarks) reproduce their published numbers of
// valid configurations — counted, enumerated, and by the plain backtracker of the benchmark.
import { describe, expect, it } from 'vitest';
import { naiveBacktrack } from '../../bench/naive-backtracker.ts';
import { loadRealSpaces } from '../../bench/real-spaces.ts';
import { SearchSpace } from '../../solver/space.ts';

const spaces = loadRealSpaces();

describe('real spaces', () => {
  it('there are 10 of them', () => expect(spaces).toHaveLength(10));
  for (const s of spaces) {
    it(`${s.name}: count = enumeration = published ${s.published}`, () => {
      const space = SearchSpace.fromSpec(s.spec);
      expect(space.count()).toBe(s.published);
      const m = space.materialize();
      expect(m.count).toBe(s.published);
      // spot-check materialised rows: each decodes to a valid configuration, and rows are distinct
      const seen = new Set<string>();
      for (let i = 0; i < m.count; i += Math.max(1, Math.floor(m.count / 500))) {
        const c = Object.fromEntries(m.params.map((p, k) => [p, m.values[k] ? m.values[k]![m.columns[k][i]] : m.columns[k][i]]));
        expect(space.isValid(c)).toBe(true);
        const key = JSON.stringify(c);
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    });
  }
  it('JSON lines (small chunks, so lines continue across chunk boundaries) equal each configuration as JSON', () => {
    for (const name of ['dedispersion', 'atf_prl_4x4']) {
      const space = SearchSpace.fromSpec(spaces.find((x) => x.name === name)!.spec);
      const decoder = new TextDecoder();
      const text = [...space.jsonBytes(997)].map((b) => decoder.decode(b)).join('');
      const expected = [...space.configurations()].map((c) => JSON.stringify(c) + '\n').join('');
      expect(text).toBe(expected);
    }
  });

  it('hotspot materialised (its table copies repeated subtrees) is exactly the set the plain backtracker finds', () => {
    const s = spaces.find((x) => x.name === 'hotspot')!;
    const want: string[] = [];
    naiveBacktrack(s.spec, (values) => { want.push(values.join(',')); });
    const m = SearchSpace.fromSpec(s.spec).materialize();
    const got: string[] = new Array(m.count);
    for (let i = 0; i < m.count; i++) got[i] = m.params.map((_, k) => m.values[k]![m.columns[k][i]]).join(',');
    expect(got.sort()).toEqual(want.sort());
  });

  it('the plain backtracker agrees on the small ones', () => {
    for (const s of spaces.filter((x) => x.published < 20_000)) expect(naiveBacktrack(s.spec)).toBe(s.published);
  });
});
