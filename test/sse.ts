/** A small Server-Sent Events reader for tests: parses frames as they arrive. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = "";
  readonly events: SseEvent[] = [];
  comments = 0;
  retry: number | undefined;

  constructor(response: Response) {
    if (!response.body) throw new Error("no body");
    this.reader = response.body.getReader();
  }

  /** Reads until `until` holds for the events so far, or fails after `timeoutMs`. */
  async readUntil(until: (events: SseEvent[]) => boolean, timeoutMs = 5_000): Promise<SseEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (!until(this.events)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(this.events.map((e) => e.event))}`);
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), left)),
      ]);
      if (chunk === "timeout") continue;
      if (chunk.done) throw new Error("stream ended");
      this.feed(this.decoder.decode(chunk.value, { stream: true }));
    }
    return this.events;
  }

  /** Reads until the server ends the stream (or fails after `timeoutMs`). */
  async readToEnd(timeoutMs = 5_000): Promise<SseEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("the stream did not end");
      const chunk = await Promise.race([this.reader.read(), new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), left))]);
      if (chunk === "timeout") continue;
      if (chunk.done) return this.events;
      this.feed(this.decoder.decode(chunk.value, { stream: true }));
    }
  }

  async close(): Promise<void> {
    await this.reader.cancel().catch(() => {});
  }

  private feed(text: string): void {
    this.buffer += text;
    let end: number;
    while ((end = this.buffer.indexOf("\n\n")) >= 0) {
      const frame = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = { event: "message", data: "" };
      let isEvent = false;
      for (const line of frame.split("\n")) {
        if (line.startsWith(":")) this.comments++;
        else if (line.startsWith("retry: ")) this.retry = Number(line.slice(7));
        else if (line.startsWith("id: ")) event.id = line.slice(4);
        else if (line.startsWith("event: ")) ((event.event = line.slice(7)), (isEvent = true));
        else if (line.startsWith("data: ")) ((event.data += line.slice(6)), (isEvent = true));
      }
      if (isEvent) this.events.push(event);
    }
  }
}
