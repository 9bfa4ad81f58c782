/**
 * A progress bar on stderr for long seeds: redrawn in place on a terminal,
 * one line per tenth otherwise (CI logs).
 */
export function progressBar(label: string): (done: number, total: number) => void {
  const started = Date.now();
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  let lastTenth = -1;
  return (done, total) => {
    const now = Date.now();
    const tenth = Math.floor((done / total) * 10);
    if (tty ? done < total && now - lastDraw < 200 : tenth === lastTenth) return;
    lastDraw = now;
    lastTenth = tenth;
    const width = 30;
    const filled = Math.round((done / total) * width);
    const line = `${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${Math.floor((done / total) * 100)}% ${Math.round((now - started) / 1000)}s`;
    process.stderr.write(tty ? `\r${line}${done >= total ? "\n" : ""}` : `${line}\n`);
  };
}
