/**
 * A line diff of two texts, shown like `diff -u` (hunks with a few lines of context), for
 * `db dump --check`. Pure.
 */
const CONTEXT = 2;

type Op = { type: ' ' | '-' | '+'; line: string; oldNo: number; newNo: number };

/** Edit script from the longest common subsequence (schema files are small: hundreds of lines). */
function operations(before: string[], after: string[]): Op[] {
  const cols = after.length + 1;
  const lcs = new Uint32Array((before.length + 1) * cols);
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      lcs[i * cols + j] = before[i] === after[j] ? lcs[(i + 1) * cols + j + 1] + 1 : Math.max(lcs[(i + 1) * cols + j], lcs[i * cols + j + 1]);
    }
  }
  const ops: Op[] = [];
  let [i, j] = [0, 0];
  while (i < before.length || j < after.length) {
    if (i < before.length && j < after.length && before[i] === after[j]) ops.push({ type: ' ', line: before[i], oldNo: ++i, newNo: ++j });
    else if (i < before.length && (j === after.length || lcs[(i + 1) * cols + j] >= lcs[i * cols + j + 1])) ops.push({ type: '-', line: before[i], oldNo: ++i, newNo: j });
    else ops.push({ type: '+', line: after[j], oldNo: i, newNo: ++j });
  }
  return ops;
}

/** '' when equal; otherwise `--- a`, `+++ b` and @@ hunks. */
export function unifiedDiff(before: string, after: string, labels: { before: string; after: string }): string {
  if (before === after) return '';
  const ops = operations(before.split('\n'), after.split('\n'));
  const changed = ops.map((op, index) => (op.type === ' ' ? -1 : index)).filter((index) => index >= 0);
  const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k] - CONTEXT);
    let end = changed[k];
    while (k < changed.length && changed[k] <= end + 2 * CONTEXT + 1) end = changed[k++];
    end = Math.min(ops.length - 1, end + CONTEXT);
    const hunk = ops.slice(start, end + 1);
    const oldStart = hunk.find((op) => op.type !== '+')?.oldNo ?? hunk[0].oldNo;
    const newStart = hunk.find((op) => op.type !== '-')?.newNo ?? hunk[0].newNo;
    const oldCount = hunk.filter((op) => op.type !== '+').length;
    const newCount = hunk.filter((op) => op.type !== '-').length;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`, ...hunk.map((op) => `${op.type}${op.line}`));
  }
  return `${out.join('\n')}\n`;
}
