// Whether the machine runs on battery, so background indexing can wait for mains power.
// Linux: /sys/class/power_supply (a "Battery" discharging and no "Mains"/"USB" supply online).
// macOS: `pmset -g batt` ("Battery Power" vs "AC Power"; a fixed system program, no shell).
// Windows and anything unreadable: "unknown", which never pauses.
import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";

export type PowerState = "battery" | "mains" | "unknown";

export async function powerState(sysRoot = "/sys/class/power_supply"): Promise<PowerState> {
  if (process.platform === "darwin") return macPowerState();
  if (process.platform !== "linux") return "unknown";
  const supplies = await fs.readdir(sysRoot).catch(() => [] as string[]);
  let battery = false;
  for (const name of supplies) {
    const read = (file: string) => fs.readFile(path.join(sysRoot, name, file), "utf8").then((text) => text.trim(), () => "");
    const type = await read("type");
    if ((type === "Mains" || type === "USB") && (await read("online")) === "1") return "mains";
    if (type === "Battery" && (await read("status")) === "Discharging") battery = true;
  }
  return battery ? "battery" : supplies.length > 0 ? "mains" : "unknown";
}

function macPowerState(): Promise<PowerState> {
  return new Promise((resolve) => {
    execFile("/usr/bin/pmset", ["-g", "batt"], { timeout: 5_000 }, (error, stdout) => {
      if (error) resolve("unknown");
      else resolve(/'Battery Power'/.test(stdout) ? "battery" : /'AC Power'/.test(stdout) ? "mains" : "unknown");
    });
  });
}
