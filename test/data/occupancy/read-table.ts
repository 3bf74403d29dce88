// Reads the ground-truth tables under test/data/occupancy/: '# key: value' header lines, then a CSV.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Table {
  meta: Record<string, string>;
  columns: string[];
  rows: Record<string, number>[];
}

export function dataPath(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

export function readTable(name: string): Table {
  const meta: Record<string, string> = {};
  let columns: string[] | undefined;
  const rows: Record<string, number>[] = [];
  for (const line of readFileSync(dataPath(name), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s*([\w ]+?):\s*(.*)$/.exec(line);
      if (m) meta[m[1]] = m[2];
      continue;
    }
    const cells = line.split(',');
    if (!columns) {
      columns = cells;
      continue;
    }
    rows.push(Object.fromEntries(columns.map((c, i) => [c, Number(cells[i])])));
  }
  return { meta, columns: columns ?? [], rows };
}
