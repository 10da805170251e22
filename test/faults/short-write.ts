// The injected disk-full layer: an opener for appendAllOrNothing whose writes stop after a byte
// budget the way a full disk does (one short write, then ENOSPC), optionally with a failing fsync
// or a failing rollback. Used where no tmpfs can be mounted, and by tests of the rarer failures.
import { promises as fs } from "node:fs";
import type { AppendHandle, OpenForAppend } from "../../server/src/platform/durable-append";

export interface ShortWriteDisk {
  /** Bytes the disk still takes; Infinity = not full. */
  freeBytes: number;
  failSync?: boolean;
  failTruncate?: boolean;
  open: OpenForAppend;
}

const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28 });

export function shortWriteDisk(freeBytes = Infinity): ShortWriteDisk {
  const disk: ShortWriteDisk = {
    freeBytes,
    async open(filePath) {
      const real = await fs.open(filePath, "a", 0o600);
      const handle: AppendHandle = {
        stat: () => real.stat(),
        async write(buffer, offset, length, position) {
          if (disk.freeBytes <= 0) throw enospc();
          const take = Math.min(length, disk.freeBytes);
          const result = await real.write(buffer, offset, take, position);
          disk.freeBytes -= result.bytesWritten;
          return result;
        },
        async sync() {
          if (disk.failSync) throw Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" });
          await real.sync();
        },
        async truncate(length) {
          if (disk.failTruncate) throw Object.assign(new Error("EIO: i/o error, ftruncate"), { code: "EIO" });
          await real.truncate(length);
        },
        close: () => real.close(),
      };
      return handle;
    },
  };
  return disk;
}
