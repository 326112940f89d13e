// The sandbox's time (real time + an offset the page can move forward), shown in WIB.

const WIB_OFFSET_S = 7 * 3600; // Asia/Jakarta has no daylight saving time
const DAYS = ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"];
const MONTHS = [
  "Januari", "Februari", "Maret", "April", "Mei", "Juni",
  "Juli", "Agustus", "September", "Oktober", "November", "Desember",
];

export class SandboxTime {
  constructor() {
    this.offset = 0;
    this.skew = 0; // server real time − browser time, in seconds
    this.jumps = [];
    this.closedReason = null;
  }

  update(clock) {
    this.offset = clock.offset_seconds;
    this.jumps = clock.jumps;
    this.closedReason = clock.closed_reason;
    this.skew = clock.now_epoch - clock.offset_seconds - Date.now() / 1000;
  }

  now() {
    return Date.now() / 1000 + this.skew + this.offset;
  }

  // A message's date is the real time it was sent; show what the sandbox clock said then.
  shown(realEpoch) {
    let offset = 0;
    for (const jump of this.jumps) {
      // +1: Telegram dates are whole seconds, cut down, so a reply within the second of a jump counts after it.
      if (jump.since_epoch <= realEpoch + 1) offset = jump.offset_seconds;
    }
    return realEpoch + offset;
  }
}

function parts(epoch) {
  const d = new Date((epoch + WIB_OFFSET_S) * 1000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth(),
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    hours: d.getUTCHours(),
    minutes: d.getUTCMinutes(),
    seconds: d.getUTCSeconds(),
  };
}

const two = (n) => String(n).padStart(2, "0");

export function wibTime(epoch, withSeconds = false) {
  const p = parts(epoch);
  return `${two(p.hours)}.${two(p.minutes)}${withSeconds ? `.${two(p.seconds)}` : ""}`;
}

export function wibDate(epoch) {
  const p = parts(epoch);
  return `${DAYS[p.weekday]}, ${p.day} ${MONTHS[p.month]} ${p.year}`;
}

export function wibDayKey(epoch) {
  const p = parts(epoch);
  return `${p.year}-${p.month}-${p.day}`;
}
