// A small tmpfs for disk-full tests: mounted when this process may (root on Linux, as here and in
// CI), otherwise undefined, and the caller falls back to an injected short-write layer and says so.
import { execFileSync } from "node:child_process";
import { mkdtempSync, promises as fs, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface SmallDisk {
  dir: string;
  /** Fills the disk until a write fails with ENOSPC; returns the filler's path (delete it to free space). */
  fill(): Promise<string>;
  unmount(): void;
}

/** PINCER_FAULTS_NO_MOUNT=1 runs the fallback where mounting would work (to test the fallback). */
export function mountSmallDisk(sizeBytes: number): SmallDisk | undefined {
  if (process.platform !== "linux" || process.env.PINCER_FAULTS_NO_MOUNT === "1") return undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), "pincer-smalldisk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeBytes},mode=0700`, "tmpfs", dir], { stdio: "ignore" });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  let fillers = 0;
  return {
    dir,
    async fill() {
      const filler = path.join(dir, `filler-${fillers++}`);
      const handle = await fs.open(filler, "w");
      try {
        // Pages first, then single bytes, so no free block is left behind.
        for (const size of [4096, 1]) {
          const block = Buffer.alloc(size, 0x55);
          for (;;) {
            const written = await handle.write(block).then(
              (r) => r.bytesWritten,
              (error: NodeJS.ErrnoException) => {
                if (error.code === "ENOSPC") return 0;
                throw error;
              },
            );
            if (written < size) break;
          }
        }
      } finally {
        await handle.close();
      }
      return filler;
    },
    unmount() {
      execFileSync("umount", ["-l", dir], { stdio: "ignore" });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
