// SPDX-License-Identifier: Apache-2.0
// Where the last N lines of a file start, found by reading backwards in blocks
// (kubelet's pkg/util/tail.FindTailLineStartIndex): the offset just after the (N+1)-th newline
// from the end, counting the last line's own newline; 0 when the file has fewer lines.
import type { FileHandle } from 'node:fs/promises';

const BLOCK = 64 * 1024;
const NEWLINE = 0x0a;

export async function findTailStart(file: FileHandle, size: number, lines: number): Promise<number> {
  if (lines < 0) return 0;
  // Newlines to pass, walking back: the last line's own one (if the file ends with one), then one per line.
  let wanted = lines + 1;
  const buf = Buffer.alloc(BLOCK);
  let right = size;
  while (right > 0) {
    const left = Math.max(0, right - BLOCK);
    const len = right - left;
    const { bytesRead } = await file.read(buf, 0, len, left);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buf[i] !== NEWLINE) continue;
      // A file not ending in a newline: its unterminated tail is a line too (as kubelet counts).
      wanted--;
      if (wanted === 0) return left + i + 1;
    }
    right = left;
  }
  return 0;
}
